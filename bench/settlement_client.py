"""Load generator for bench/settlement_load.py, run as its own process.

Open loop: requests are scheduled at a fixed rate whatever the server does, and latency is
measured from the scheduled send time (so a slow server cannot hide its queue: no
coordinated omission) as well as from the actual send. Plain http.client, one connection per
request (gunicorn's sync workers close the connection after each answer).

    python bench/settlement_client.py JOBS.json http://127.0.0.1:8765 200 30 TOKEN
Prints one JSON object with the figures.
"""

from __future__ import annotations

import http.client
import json
import queue
import sys
import threading
import time
from urllib.parse import urlparse


def main() -> None:
    jobs_path, url, rate, seconds, token = sys.argv[1:6]
    with open(jobs_path, encoding="utf-8") as handle:
        jobs = json.load(handle)
    target = urlparse(url)
    total = min(len(jobs), int(float(rate) * float(seconds)))
    pending: queue.Queue = queue.Queue()
    results: list[tuple[float, float, int, int]] = []
    lock = threading.Lock()

    def worker() -> None:
        while True:
            item = pending.get()
            if item is None:
                return
            scheduled, body = item
            started = time.perf_counter()
            code, infcode = 0, -9
            try:
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                conn.request("POST", "/fsi/api/rsfComIfsService/callService", body,
                             {"Content-Type": "application/json",
                              "Authorization": f"Bearer {token}"})  # fmt: skip
                response = conn.getresponse()
                code = response.status
                infcode = int(json.loads(response.read()).get("infcode", -9))
                conn.close()
            except Exception as exc:  # counted as an error in the figures
                print(f"request failed: {exc!r}", file=sys.stderr)
            done = time.perf_counter()
            with lock:
                results.append((done - scheduled, done - started, code, infcode))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(48)]
    for t in threads:
        t.start()
    interval = 1.0 / float(rate)
    begin = time.perf_counter()
    for i in range(total):
        at = begin + i * interval
        delay = at - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        pending.put((at, json.dumps(jobs[i], ensure_ascii=False).encode()))
    for _ in threads:
        pending.put(None)
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - begin

    def pct(values: list[float], p: float) -> float:
        ordered = sorted(values)
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1)

    from_schedule = [r[0] for r in results]
    service = [r[1] for r in results]
    ok = sum(1 for r in results if r[2] == 200 and r[3] == 0)
    print(json.dumps({
        "sent": total, "ok": ok, "errors": total - ok, "seconds": round(elapsed, 2),
        "achieved_rate": round(total / elapsed, 1),
        "p50_ms": pct(from_schedule, 0.50), "p95_ms": pct(from_schedule, 0.95),
        "p99_ms": pct(from_schedule, 0.99), "max_ms": pct(from_schedule, 1.0),
        "service_p50_ms": pct(service, 0.50), "service_p99_ms": pct(service, 0.99),
        "client_cpu_ms_per_request": round(time.process_time() * 1000 / max(1, total), 2),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
