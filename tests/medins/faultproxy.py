"""A fault-injecting HTTP proxy between two nodes: drops requests, drops answers, delivers
twice (the copy possibly much later, so messages overtake each other) and delays.

One proxy per direction; the sender's peer URL points at the proxy, which forwards to the
real node. Faults are random from a seed; ``counts`` says what was done."""

# ruff: noqa: S310 — forwards only to the loopback node it was given
from __future__ import annotations

import contextlib
import random
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_HEADERS = {"host", "content-length", "connection", "accept-encoding"}


class FaultProxy:
    def __init__(
        self,
        target: str,
        *,
        seed: int,
        drop_request: float = 0.1,
        drop_answer: float = 0.1,
        duplicate: float = 0.1,
        max_delay: float = 0.15,
    ):
        self.target = target.rstrip("/")
        self.rnd = random.Random(seed)
        self.lock = threading.Lock()
        self.p = {"drop_request": drop_request, "drop_answer": drop_answer, "duplicate": duplicate}
        self.max_delay = max_delay
        self.counts: Counter[str] = Counter()
        self.enabled = True
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
                proxy.handle(self, self.path, headers, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _roll(self) -> tuple[bool, bool, bool, float, float]:
        with self.lock:
            if not self.enabled:
                return False, False, False, 0.0, 0.0
            r = self.rnd
            return (
                r.random() < self.p["drop_request"],
                r.random() < self.p["drop_answer"],
                r.random() < self.p["duplicate"],
                r.uniform(0, self.max_delay),
                r.uniform(0, 3.0),
            )

    def _forward(self, path: str, headers: dict, body: bytes) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(
            self.target + path, data=body, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, dict(answer.headers), answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def handle(self, handler, path: str, headers: dict, body: bytes) -> None:
        drop_req, drop_ans, dup, delay, dup_delay = self._roll()
        time.sleep(delay)
        if drop_req:
            self.counts["dropped_request"] += 1
            handler.close_connection = True
            return  # connection closed with no answer: the sender sees an error
        if dup:
            self.counts["duplicated"] += 1

            def later():
                time.sleep(dup_delay)  # the copy may overtake, or be overtaken by, others
                with contextlib.suppress(OSError):
                    self._forward(path, headers, body)

            threading.Thread(target=later, daemon=True).start()
        try:
            status, answer_headers, answer = self._forward(path, headers, body)
        except OSError:
            self.counts["target_down"] += 1
            handler.send_error(502)
            return
        if drop_ans:
            self.counts["dropped_answer"] += 1
            handler.close_connection = True
            return  # the effect happened, the sender never hears of it
        self.counts["forwarded"] += 1
        handler.send_response(status)
        for key, value in answer_headers.items():
            if key.lower() not in HOP_HEADERS | {"server", "date", "transfer-encoding"}:
                handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(answer)))
        handler.end_headers()
        handler.wfile.write(answer)
