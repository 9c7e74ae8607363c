"""The gateway signature hospital SDKs send (csb: ``_api_*`` headers, HMAC-SHA1), in process,
through granian (the production server: header names with underscores must reach the
application), and a recorded SDK exchange replayed (issue 20, item 6)."""

# ruff: noqa: S603, S310 — the harness runs our own server and calls it on loopback
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection

from tests.factories import user_with
from yimen.accounts.roles import Role
from yimen.settlement.fsi.auth import csb_headers
from yimen.settlement.models import FsiMessage, Settlement

from .conftest import AUTH, CHANGCHUN_HOSPITAL, envelope
from .journeys import mask
from .sdk import CONTENT_TYPE, SHANGHAI, SdkClient, outpatient_journey

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
RECORDED = Path(__file__).parent / "fixtures" / "recorded" / "sdk_exchange.json"
OTHER_HOSPITAL = "H22010200001"
#: two hospitals' SDK credentials, each for its own institution only
CSB = [
    {"scheme": "csb", "access_key": "his-a", "secret": "secret-a", "max_skew": 300,
     "institutions": [CHANGCHUN_HOSPITAL[0]]},
    {"scheme": "csb", "access_key": "his-b", "secret": "secret-b", "max_skew": 300,
     "institutions": [OTHER_HOSPITAL]},
]  # fmt: skip
SIGN_IN = {"signIn": {"opter_no": "1099", "mac": "null", "ip": "null"}}


def meta(headers: dict[str, str]) -> dict[str, str]:
    """Headers as WSGI names them: ``_api_name`` → HTTP__API_NAME."""
    return {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()
            if k.lower() != "content-type"}  # fmt: skip


def cases(now_ms: int) -> dict[str, tuple[dict[str, str], int]]:
    """The five cases of issue 20, each with the HTTP status it must get, signed at now_ms."""
    return {
        "valid": (csb_headers("his-a", "secret-a", now_ms=now_ms), 200),
        "stale timestamp": (csb_headers("his-a", "secret-a", now_ms=now_ms - 600_000), 401),
        "wrong secret": (csb_headers("his-a", "not-the-secret", now_ms=now_ms), 401),
        "unknown key": (csb_headers("his-x", "secret-a", now_ms=now_ms), 401),
        "another institution's key": (csb_headers("his-b", "secret-b", now_ms=now_ms), 403),
    }


@pytest.fixture
def csb(world, settings):
    settings.YIMEN_FSI_AUTH = [*AUTH, *CSB]


def test_csb_signature_in_process(client, csb):
    now_ms = int(time.time() * 1000)
    for name, (headers, expected) in cases(now_ms).items():
        body = json.dumps(envelope("9001", SIGN_IN), ensure_ascii=False)
        response = client.post("/fsi/api/rsfComIfsService/callService", body,
                               content_type=CONTENT_TYPE, **meta(headers))  # fmt: skip
        answer = response.json()
        assert response.status_code == expected, (name, answer)
        assert answer["infcode"] == (0 if expected == 200 else -1), (name, answer)
    # only the valid call signed in; refusals write nothing
    assert FsiMessage.objects.count() == 1


def test_a_tampered_header_breaks_the_signature(client, csb):
    headers = csb_headers("his-a", "secret-a")
    headers["_api_name"] = "anotherService"  # signed under one name, sent under another
    body = json.dumps(envelope("9001", SIGN_IN), ensure_ascii=False)
    response = client.post("/fsi/api/rsfComIfsService/callService", body,
                           content_type=CONTENT_TYPE, **meta(headers))  # fmt: skip
    assert response.status_code == 401 and response.json()["err_msg"] == "接口鉴权失败"


# --- through granian -------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    """The test database this test runs on, for the server process to share."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user, host, port = db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1", db.get("PORT")
    return f"postgres://{user}@{host}:{port or 5432}/{db['NAME']}"


class Granian:
    """granian serving yimen.wsgi:application as in production (README), on the test
    database, with the interface's credentials from the environment."""

    def __init__(self, workdir: Path, auth: list[dict[str, Any]]):
        self.port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("YIMEN_", "DJANGO_"))}
        env.update(
            YIMEN_DATABASE_URL=_database_url(),
            YIMEN_DATA_DIR=str(workdir),
            YIMEN_ALLOW_INSECURE_KEY="1",
            YIMEN_ALLOWED_HOSTS="127.0.0.1",
            YIMEN_FSI_AUTH=json.dumps(auth),
            DJANGO_SETTINGS_MODULE="yimen.settings.base",
            PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO)]),
        )
        self.log = workdir / f"granian-{self.port}.log"
        cmd = [
            str(BIN / "granian"), "--interface", "wsgi", "yimen.wsgi:application",
            "--workers", "1", "--blocking-threads", "2", "--runtime-threads", "1",
            "--http", "1", "--no-ws", "--host", "127.0.0.1", "--port", str(self.port),
        ]  # fmt: skip
        self.proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=self.log.open("a"),
                                     stderr=subprocess.STDOUT)  # fmt: skip
        self.url = f"http://127.0.0.1:{self.port}/fsi/api/rsfComIfsService/callService"

    def post(self, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as refused:
            return refused.code, json.loads(refused.read())

    def wait(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()[-3000:]
            try:
                urllib.request.urlopen(self.url, timeout=2)
            except urllib.error.HTTPError:
                return  # an answer (405 to a GET): serving
            except OSError:
                time.sleep(0.3)
                continue
            return
        raise AssertionError("granian did not start: " + self.log.read_text()[-3000:])

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def server_ms(answer: dict[str, Any]) -> int:
    """The server's clock from an answer's respond_time (Beijing time, ms): the test's own
    clock may be shifted (YIMEN_TEST_CLOCK_SHIFT_DAYS) while the server's is not."""
    stamp = answer["respond_time"]
    at = datetime.strptime(stamp[:14], "%Y%m%d%H%M%S").replace(tzinfo=SHANGHAI)
    return int(at.timestamp()) * 1000 + int(stamp[14:])


@pytest.mark.django_db(transaction=True)
def test_csb_signature_and_sdk_wire_format_through_granian(tmp_path, world, employee):
    server = Granian(tmp_path, CSB)
    try:
        server.wait()
        body = json.dumps(envelope("9001", SIGN_IN), ensure_ascii=False).encode()
        status, unsigned = server.post({"Content-Type": CONTENT_TYPE}, body)
        assert status == 401
        offset_ms = server_ms(unsigned) - int(time.time() * 1000)
        for name, (headers, expected) in cases(int(time.time() * 1000) + offset_ms).items():
            body = json.dumps(envelope("9001", SIGN_IN), ensure_ascii=False).encode()
            status, answer = server.post({"Content-Type": CONTENT_TYPE, **headers}, body)
            assert status == expected, (name, answer, server.log.read_text()[-2000:])
        # the whole SDK journey, in its own wire format, on the server's clock
        client = SdkClient(server.post, "his-a", "secret-a",
                           clock=lambda: time.time() + offset_ms / 1000)  # fmt: skip
        exchange = outpatient_journey(client, employee.id_number, employee.name)
    finally:
        server.stop()
    assert Settlement.objects.filter(person=employee).count() == 1
    if os.environ.get("YIMEN_RECORD_FSI") == "1":
        RECORDED.write_text(json.dumps(exchange, ensure_ascii=False, indent=1) + "\n", "utf-8")


# --- the recorded exchange, replayed ---------------------------------------------------------

#: values an earlier answer hands out and later requests carry back
CARRIED = {"sign_no", "psn_no", "mdtrt_id", "setl_id"}


def _collect(recorded: Any, now: Any, found: dict[str, str]) -> None:
    """Pair the values of CARRIED keys in the recorded answer with this replay's."""
    if isinstance(recorded, dict) and isinstance(now, dict):
        for key, value in recorded.items():
            if key in CARRIED and isinstance(value, str) and isinstance(now.get(key), str):
                found[value] = now[key]
            else:
                _collect(value, now.get(key), found)
    elif isinstance(recorded, list) and isinstance(now, list):
        for a, b in zip(recorded, now, strict=False):
            _collect(a, b, found)


def _carry(value: Any, found: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: (found.get(v, v) if k in CARRIED and isinstance(v, str) else _carry(v, found))
                for k, v in value.items()}  # fmt: skip
    if isinstance(value, list):
        return [_carry(v, found) for v in value]
    return value


def test_recorded_sdk_exchange_replays(client, world, employee, settings):
    """The exchange recorded through granian (fixtures/recorded/sdk_exchange.json; rerecord
    with YIMEN_RECORD_FSI=1) replayed with its own headers and bytes, the clock at each
    request's ``_api_timestamp``: the same answers, ids and times aside."""
    settings.YIMEN_FSI_AUTH = CSB
    exchange = json.loads(RECORDED.read_text(encoding="utf-8"))
    assert [json.loads(step["body"])["infno"] for step in exchange] == [
        "9001", "1101", "2201", "2204", "2206", "2207", "9002"]  # fmt: skip
    found: dict[str, str] = {}
    for step in exchange:
        headers = step["headers"]
        assert headers["Content-Type"] == CONTENT_TYPE
        message = json.loads(step["body"])
        assert len(message["msgid"]) == 30 and message["msgid"] == message["msgid"].upper()
        assert (message["infver"], message["recer_sys_code"], message["signtype"]) == (
            "1.0.0", "99", "SM2")  # fmt: skip
        assert message["dev_no"] == message["cainfo"] == "null"
        body = step["body"]
        if found:  # ids this replay handed out instead of the recorded ones, same compact form
            body = json.dumps(_carry(message, found), ensure_ascii=False, separators=(",", ":"))
        at = int(headers["_api_timestamp"]) / 1000
        with time_machine.travel(at, tick=False):
            response = client.post("/fsi/api/rsfComIfsService/callService", body.encode(),
                                   content_type=CONTENT_TYPE, **meta(headers))  # fmt: skip
        answer = response.json()
        assert response.status_code == step["status"] == 200, answer
        assert mask(answer) == mask(step["response"]), (message["infno"], answer)
        _collect(step["response"], answer, found)
    assert Settlement.objects.filter(person=employee).count() == 1


def test_the_hospital_page_names_the_access_key_never_the_secret(client, csb):
    client.force_login(user_with(Role.HOSPITAL_OPERATOR, "220102"))
    page = "/settlement/hospital/"
    text = client.get(page, {"institution": CHANGCHUN_HOSPITAL[0]}).content.decode()
    status = text.split('id="interface-status"')[1].split("</section>")[0]
    assert "his-a" in status and "his-b" not in status  # only this institution's key
    assert "secret-a" not in text and "secret-b" not in text
    assert status.count('class="credential-state"') == 3  # bearer (*), tif and csb


def test_non_ascii_credentials_are_refused_as_such(client, csb):
    """Header values arrive decoded as Latin-1 and may hold any byte: a 401, never an error."""
    body = json.dumps(envelope("9001", SIGN_IN), ensure_ascii=False)
    odd = {
        "HTTP_AUTHORIZATION": "Bearer tést",
        "HTTP_X_TIF_PAASID": "yimen-test", "HTTP_X_TIF_TIMESTAMP": str(int(time.time())),
        "HTTP_X_TIF_NONCE": "n", "HTTP_X_TIF_SIGNATURE": "é" * 64,
        **meta({**csb_headers("his-a", "secret-a"), "_api_signature": "ü" * 28}),
    }  # fmt: skip
    response = client.post("/fsi/api/rsfComIfsService/callService", body,
                           content_type=CONTENT_TYPE, **odd)  # fmt: skip
    assert response.status_code == 401 and response.json()["err_msg"] == "接口鉴权失败"
