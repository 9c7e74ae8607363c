"""The SMS gateway, pluggable by configuration.

``YIMEN_SMS_BACKEND``:
- ``file`` (the default, for the demo and development): each message is appended as one
  JSON line to ``YIMEN_SMS_FILE`` (default ``$YIMEN_DATA_DIR/sms-outbox.jsonl``);
- ``http``: POST ``{"id", "phone", "text"}`` as JSON to ``YIMEN_SMS_URL`` with
  ``Authorization: Bearer $YIMEN_SMS_KEY``, within ``YIMEN_SMS_TIMEOUT`` seconds. Our
  message id goes with every try, so a gateway that saw a try whose answer we lost can
  recognise the retry. 2xx is accepted; 4xx is refused for good (a wrong number does not
  get better by retrying); 5xx, timeouts and dropped connections are retried.
"""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.request
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

    def send(self, message_id: str, phone: str, text: str) -> GatewayAnswer:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"id": message_id, "phone": phone, "text": text}, ensure_ascii=False)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
        return GatewayAnswer(ok=True, answer=f"written to {self.path.name}", gateway_id=message_id)


class HttpGateway:
    """An HTTP SMS gateway (the operator's contracted provider or its adapter)."""

    def __init__(self, url: str, key: str, timeout: float) -> None:
        self.url, self.key, self.timeout = url, key, timeout

    def send(self, message_id: str, phone: str, text: str) -> GatewayAnswer:
        body = json.dumps({"id": message_id, "phone": phone, "text": text}, ensure_ascii=False)
        request = urllib.request.Request(  # noqa: S310 — the URL is the operator's configuration
            self.url,
            data=body.encode("utf-8"),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.key}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read(4096).decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            raw = error.read(4096).decode("utf-8", "replace") if error.fp else ""
            return GatewayAnswer(
                ok=False, answer=f"HTTP {error.code} {raw}"[:1000], retry=error.code >= 500
            )
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            return GatewayAnswer(ok=False, answer=f"no answer: {error}"[:1000], retry=True)
        gateway_id = ""
        with contextlib.suppress(ValueError, AttributeError):  # an answer without our id
            gateway_id = str(json.loads(raw).get("id", ""))[:100]
        return GatewayAnswer(ok=True, answer=raw[:1000], gateway_id=gateway_id)


def configured_gateway() -> Gateway:
    backend = getattr(settings, "SMS_BACKEND", "file")
    if backend == "http":
        return HttpGateway(settings.SMS_URL, settings.SMS_KEY, settings.SMS_TIMEOUT)
    return FileGateway(Path(settings.SMS_FILE))
