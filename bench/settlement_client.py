"""Load generator for bench/settlement_load.py, run as its own process.

Open loop: request i is due at start + i / rate whatever the server does, and its latency is
counted from that due time (so a slow server cannot hide its queue: no coordinated omission)
as well as from the actual send. Every answer is read and checked (HTTP 200, infcode 0 and
the visit's mdtrt_id in setlinfo).

Cheap on purpose, since it shares the two cores with the server: one asyncio loop, raw
sockets, every request's bytes built before the clock starts, HTTP/1.1 keep-alive (a
connection is reused when the server keeps it open — gunicorn's gthread workers do, its sync
workers close it), and a new connection opened whenever none is idle, so a slow server
never slows the sending.

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


class Pool:
    """Idle keep-alive connections to the server."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.opened = 0

    async def take(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.idle:
            return self.idle.pop()
        self.opened += 1
        return await asyncio.open_connection(self.host, self.port)


async def exchange(pool: Pool, payload: bytes) -> tuple[int, bytes]:
    reader, writer = await pool.take()
    try:
        writer.write(payload)
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
    except BaseException:
        writer.close()
        raise
    if headers.get("connection", "").lower() == "close":
        writer.close()
    else:
        pool.idle.append((reader, writer))
    return status, body


async def run(jobs: list[dict], url: str, rate: float, seconds: float, token: str) -> dict:
    target = urlparse(url)
    host, port = target.hostname or "127.0.0.1", target.port or 80
    total = min(len(jobs), int(rate * seconds))
    payloads = [request_bytes(f"{host}:{port}", job, token) for job in jobs[:total]]
    expected = [job["input"]["data"]["mdtrt_id"] for job in jobs[:total]]
    pool = Pool(host, port)
    results: list[tuple[float, float, bool]] = []
    failures: list[str] = []

    async def one(i: int, due: float) -> None:
        sent = time.perf_counter()
        ok = False
        try:
            status, body = await exchange(pool, payloads[i])
            answer = json.loads(body)
            info = (answer.get("output") or {}).get("setlinfo") or {}
            settled = answer.get("infcode") == 0 and info.get("mdtrt_id") == expected[i]
            ok = status == 200 and settled
            if not ok and len(failures) < 5:
                failures.append(f"{status} {body[:200]!r}")
        except Exception as exc:  # counted as an error in the figures
            if len(failures) < 5:
                failures.append(repr(exc))
        done = time.perf_counter()
        results.append((done - due, done - sent, ok))

    cpu0 = time.process_time()
    begin = time.perf_counter() + 0.05
    tasks = []
    for i in range(total):
        due = begin + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, due)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - begin
    cpu = time.process_time() - cpu0
    for _, writer in pool.idle:
        writer.close()

    def pct(values: list[float], p: float) -> float:
        ordered = sorted(values)
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1)

    from_due = [r[0] for r in results]
    service = [r[1] for r in results]
    ok = sum(1 for r in results if r[2])
    for failure in failures:
        print(f"failed: {failure}", file=sys.stderr)
    return {
        "sent": total, "ok": ok, "errors": total - ok, "seconds": round(elapsed, 2),
        "achieved_rate": round(total / elapsed, 1),
        "p50_ms": pct(from_due, 0.50), "p95_ms": pct(from_due, 0.95),
        "p99_ms": pct(from_due, 0.99), "max_ms": pct(from_due, 1.0),
        "service_p50_ms": pct(service, 0.50), "service_p99_ms": pct(service, 0.99),
        "connections_opened": pool.opened,
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
