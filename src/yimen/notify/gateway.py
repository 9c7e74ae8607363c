"""The SMS gateway, pluggable by configuration.

``YIMEN_SMS_BACKEND``:
- ``file`` (the default, for the demo and development): each message is appended as one
  JSON line to ``YIMEN_SMS_FILE`` (default ``$YIMEN_DATA_DIR/sms-outbox.jsonl``);
- ``http``: POST ``{"id", "phone", "text"}`` as JSON to ``YIMEN_SMS_URL`` with
  ``Authorization: Bearer $YIMEN_SMS_KEY``, within ``YIMEN_SMS_TIMEOUT`` seconds. Our
  message id goes with every try, so a gateway that saw a try whose answer we lost can
  recognise the retry. 2xx is accepted; 4xx is refused for good (a wrong number does not
  get better by retrying); 5xx, timeouts and dropped connections are retried.

A sender calls the gateway from several threads at once (``YIMEN_SMS_CONCURRENCY``): each
gateway is safe to share; the HTTP one keeps one connection alive per thread.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings


@dataclass(frozen=True)
class GatewayAnswer:
    ok: bool
    answer: str
    retry: bool = False
    gateway_id: str = ""


class Gateway(Protocol):
    def send(self, message_id: str, phone: str, text: str) -> GatewayAnswer: ...


class FileGateway:
    """Writes each message as a JSON line; what the demo "sends"."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def send(self, message_id: str, phone: str, text: str) -> GatewayAnswer:
        line = json.dumps({"id": message_id, "phone": phone, "text": text}, ensure_ascii=False)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line + "\n")
        return GatewayAnswer(ok=True, answer=f"written to {self.path.name}", gateway_id=message_id)


class HttpGateway:
    """An HTTP SMS gateway (the operator's contracted provider or its adapter)."""

    def __init__(self, url: str, key: str, timeout: float) -> None:
        self.url, self.key, self.timeout = url, key, timeout
        parts = urllib.parse.urlsplit(url)
        self._https = parts.scheme == "https"
        self._host, self._port = parts.hostname or "", parts.port
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            connection = kind(self._host, self._port, timeout=self.timeout)
            self._local.connection = connection
        return connection

    def _drop(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    def send(self, message_id: str, phone: str, text: str) -> GatewayAnswer:
        body = json.dumps({"id": message_id, "phone": phone, "text": text}, ensure_ascii=False)
        connection = self._connection()
        try:
            connection.request(
                "POST",
                self._path,
                body=body.encode("utf-8"),
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "Authorization": f"Bearer {self.key}",
                },
            )
            response = connection.getresponse()
            # read the whole answer, so the connection can carry the next message
            raw = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            self._drop()
            return GatewayAnswer(ok=False, answer=f"no answer: {error!r}"[:1000], retry=True)
        if response.will_close:
            self._drop()
        if response.status >= 300:
            return GatewayAnswer(
                ok=False,
                answer=f"HTTP {response.status} {raw}"[:1000],
                retry=response.status >= 500,
            )
        gateway_id = ""
        with contextlib.suppress(ValueError, AttributeError):  # an answer without our id
            gateway_id = str(json.loads(raw).get("id", ""))[:100]
        return GatewayAnswer(ok=True, answer=raw[:1000], gateway_id=gateway_id)


def configured_gateway() -> Gateway:
    backend = getattr(settings, "SMS_BACKEND", "file")
    if backend == "http":
        return HttpGateway(settings.SMS_URL, settings.SMS_KEY, settings.SMS_TIMEOUT)
    return FileGateway(Path(settings.SMS_FILE))
