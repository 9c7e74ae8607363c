"""Stand-ins for the SMS gateway: one recording what it is given, and a local HTTP server
playing a script of faults (503, a dropped connection, a slow answer, 400)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class RecordingGateway:
    def __init__(self):
        self.sent = []

    def send(self, message_id, phone, text):
        from yimen.notify.gateway import GatewayAnswer

        self.sent.append((phone, text))
        return GatewayAnswer(ok=True, answer="ok")


class StandIn(BaseHTTPRequestHandler):
    """A stand-in SMS gateway playing a script of answers: 503, a dropped connection, a
    slow answer, then acceptance."""

    script: list[str] = []
    seen: list[dict] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.seen.append({**body, "auth": self.headers.get("Authorization")})
        step = self.script.pop(0) if self.script else "ok"
        if step == "drop":
            self.connection.close()
            return
        if step == "slow":
            time.sleep(1.5)
        code = {"503": 503, "400": 400}.get(step, 200)
        answer = json.dumps({"id": "gw-1"} if code == 200 else {"error": step}).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    request_queue_size = 64  # senders call with several connections at once


@pytest.fixture
def stand_in(settings):
    """The HTTP gateway configured to a local server that plays ``StandIn.script``."""
    server = _Server(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    StandIn.seen = []
    settings.SMS_BACKEND = "http"
    settings.SMS_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_KEY = "k-123"
    settings.SMS_TIMEOUT = 0.5
    settings.SMS_QUIET_HOURS = ""
    settings.SMS_CONCURRENCY = 1  # the script's answers go to the messages in order
    yield StandIn
    server.shutdown()
