"""Load generator for bench/exams_load.py, run as its own process: the exam page's answer
saves, open loop (request i is due at start + i / rate whatever the server does; latency
counted from that due time, so a slow server cannot hide its queue).

Reuses the keep-alive connections and the open-loop scheduler of bench/settlement_client.py;
only the requests (a candidate's session cookie, the CSRF pair the page's script sends, one
answer as JSON) and the check of each answer (HTTP 200 and ``{"saved": true}``) differ.

    python bench/exams_client.py JOBS.json http://127.0.0.1:8766 RATE
Prints one JSON object with the figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import string
import sys
import time
from random import Random
from urllib.parse import urlparse

from settlement_client import Run

PATH = "/exams/sit/answer/"


def csrf_secret(rng: Random) -> str:
    """An unmasked CSRF secret (32 letters and digits): the cookie and the header carry the
    same value, as the page's script does."""
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(32))


def request_bytes(host: str, job: dict, csrf: str) -> bytes:
    body = json.dumps(job["body"]).encode()
    head = (
        f"POST {PATH} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Cookie: sessionid={job['cookie']}; csrftoken={csrf}\r\nX-CSRFToken: {csrf}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class Saves(Run):
    """The settlement client's scheduler with the exam's check of each answer."""

    def finish(self, current: tuple[int, float, float], status: int, body: bytes) -> None:
        _, due, sent = current
        done = self.loop.time()
        ok = False
        with contextlib.suppress(ValueError):
            ok = status == 200 and json.loads(body).get("saved") is True
        if not ok and len(self.failures) < 5:
            self.failures.append(f"{status} {body[:200]!r}")
        self.results.append((done - due, done - sent, ok))
        if len(self.results) == len(self.payloads) and not self.done.done():
            self.done.set_result(None)


async def run(jobs: list[dict], url: str, rate: float) -> dict:
    target = urlparse(url)
    host, port = target.hostname or "127.0.0.1", target.port or 80
    rng = Random(19)
    csrf = {job["cookie"]: "" for job in jobs}
    for cookie in csrf:
        csrf[cookie] = csrf_secret(rng)
    payloads = [request_bytes(f"{host}:{port}", job, csrf[job["cookie"]]) for job in jobs]
    loop = asyncio.get_running_loop()
    state = Saves(loop, host, port, payloads, [])
    cpu0 = time.process_time()
    begin = loop.time() + 0.05
    for i in range(len(jobs)):  # every send scheduled up front: open loop
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
    total = len(jobs)
    return {
        "sent": total, "ok": ok, "errors": total - ok, "seconds": round(elapsed, 2),
        "rate": round(rate, 1), "achieved_rate": round(total / elapsed, 1),
        "p50_ms": pct(from_due, 0.50), "p95_ms": pct(from_due, 0.95),
        "p99_ms": pct(from_due, 0.99), "max_ms": pct(from_due, 1.0),
        "service_p50_ms": pct(service, 0.50), "service_p99_ms": pct(service, 0.99),
        "connections_opened": state.opened,
        "client_cpu_ms_per_request": round(cpu * 1000 / max(1, total), 3),
        "client_pid": os.getpid(),
    }  # fmt: skip


def main() -> None:
    jobs_path, url, rate = sys.argv[1:4]
    with open(jobs_path, encoding="utf-8") as handle:
        jobs = json.load(handle)
    print(json.dumps(asyncio.run(run(jobs, url, float(rate)))))


if __name__ == "__main__":
    main()
