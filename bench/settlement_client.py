"""Load generator for bench/settlement_load.py, run as its own process.

Open loop: request i is due at start + i / rate whatever the server does, and its latency is
counted from that due time (so a slow server cannot hide its queue: no coordinated omission)
as well as from the actual send. Every answer is read and checked (HTTP 200, infcode 0 and
the visit's mdtrt_id in setlinfo).

Cheap on purpose, since it shares the two cores with the server: one asyncio loop with
plain protocols (no task per request), every send scheduled with call_at before the clock
starts, every request's bytes built beforehand, HTTP/1.1 keep-alive (a connection is
reused when the server keeps it open — gunicorn's gthread workers do, its sync workers
close it), and a new connection opened whenever none is idle, so a slow server never slows
the sending.

    python bench/settlement_client.py JOBS.json http://127.0.0.1:8765 200 30 TOKEN
Prints one JSON object with the figures.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from urllib.parse import urlparse

PATH = "/fsi/api/rsfComIfsService/callService"


def request_bytes(host: str, job: dict, token: str) -> bytes:
    body = json.dumps(job, ensure_ascii=False).encode()
    head = (
        f"POST {PATH} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class Connection(asyncio.Protocol):
    """One keep-alive connection carrying one request at a time (no pipelining)."""

    def __init__(self, run: Run):
        self.run, self.buffer = run, bytearray()
        self.transport: asyncio.Transport | None = None
        self.current: tuple[int, float, float] | None = None  # (index, due, sent)

    def connection_made(self, transport) -> None:  # type: ignore[override]
        self.transport = transport

    def send(self, i: int, due: float) -> None:
        self.current = (i, due, self.run.loop.time())
        assert self.transport is not None
        self.transport.write(self.run.payloads[i])

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = bytes(self.buffer[:end]).decode("latin-1").lower()
        length, close = 0, False
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name == "content-length":
                length = int(value)
            elif name == "connection":
                close = value.strip() == "close"
        if len(self.buffer) < end + 4 + length:
            return
        body = bytes(self.buffer[end + 4 : end + 4 + length])
        del self.buffer[: end + 4 + length]
        status = int(head.split(" ", 2)[1])
        current, self.current = self.current, None
        assert current is not None
        if close:
            assert self.transport is not None
            self.transport.close()
        else:
            self.run.idle.append(self)
        self.run.finish(current, status, body)

    def connection_lost(self, exc: Exception | None) -> None:
        if self in self.run.idle:
            self.run.idle.remove(self)
        if self.current is not None:
            current, self.current = self.current, None
            self.run.finish(current, 0, repr(exc).encode())


class Run:
    """Sends request i at its due time on an idle connection, or a new one if none is idle."""

    def __init__(self, loop, host: str, port: int, payloads: list[bytes], expected: list[str]):
        self.loop, self.host, self.port = loop, host, port
        self.payloads, self.expected = payloads, expected
        self.idle: list[Connection] = []
        self.opened = 0
        self.results: list[tuple[float, float, bool]] = []
        self.failures: list[str] = []
        self.done = loop.create_future()

    def fire(self, i: int, due: float) -> None:
        if self.idle:
            self.idle.pop().send(i, due)
            return
        self.opened += 1
        self.loop.create_task(self._connect_and_send(i, due))

    async def _connect_and_send(self, i: int, due: float) -> None:
        try:
            _, conn = await self.loop.create_connection(
                lambda: Connection(self), self.host, self.port
            )
        except OSError as exc:
            self.finish((i, due, self.loop.time()), 0, repr(exc).encode())
            return
        conn.send(i, due)

    def finish(self, current: tuple[int, float, float], status: int, body: bytes) -> None:
        i, due, sent = current
        done = self.loop.time()
        ok = False
        try:
            answer = json.loads(body)
            info = (answer.get("output") or {}).get("setlinfo") or {}
            ok = (status == 200 and answer.get("infcode") == 0
                  and info.get("mdtrt_id") == self.expected[i])  # fmt: skip
        except ValueError:
            pass
        if not ok and len(self.failures) < 5:
            self.failures.append(f"{status} {body[:200]!r}")
        self.results.append((done - due, done - sent, ok))
        if len(self.results) == len(self.payloads) and not self.done.done():
            self.done.set_result(None)


async def run(jobs: list[dict], url: str, rate: float, seconds: float, token: str) -> dict:
    target = urlparse(url)
    host, port = target.hostname or "127.0.0.1", target.port or 80
    total = min(len(jobs), int(rate * seconds))
    payloads = [request_bytes(f"{host}:{port}", job, token) for job in jobs[:total]]
    expected = [job["input"]["data"]["mdtrt_id"] for job in jobs[:total]]
    loop = asyncio.get_running_loop()
    state = Run(loop, host, port, payloads, expected)
    cpu0 = time.process_time()
    begin = loop.time() + 0.05
    for i in range(total):  # every send scheduled up front: open loop
        due = begin + i / rate
        loop.call_at(due, state.fire, i, due)
    await state.done
    elapsed = loop.time() - begin
    cpu = time.process_time() - cpu0
    for conn in state.idle:
        if conn.transport is not None:
            conn.transport.close()

    def pct(values: list[float], p: float) -> float:
        ordered = sorted(values)
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1)

    results = state.results
    from_due = [r[0] for r in results]
    service = [r[1] for r in results]
    ok = sum(1 for r in results if r[2])
    for failure in state.failures:
        print(f"failed: {failure}", file=sys.stderr)
    return {
        "sent": total, "ok": ok, "errors": total - ok, "seconds": round(elapsed, 2),
        "achieved_rate": round(total / elapsed, 1),
        "p50_ms": pct(from_due, 0.50), "p95_ms": pct(from_due, 0.95),
        "p99_ms": pct(from_due, 0.99), "max_ms": pct(from_due, 1.0),
        "service_p50_ms": pct(service, 0.50), "service_p99_ms": pct(service, 0.99),
        "connections_opened": state.opened,
        "client_cpu_ms_per_request": round(cpu * 1000 / max(1, total), 3),
        "client_pid": os.getpid(),
    }  # fmt: skip


def main() -> None:
    jobs_path, url, rate, seconds, token = sys.argv[1:6]
    with open(jobs_path, encoding="utf-8") as handle:
        jobs = json.load(handle)
    figures = asyncio.run(run(jobs, url, float(rate), float(seconds), token))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
