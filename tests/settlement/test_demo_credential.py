"""The demo credential of the hospital interface (issue 20, item 7): on with ``make demo``
(YIMEN_DEBUG and YIMEN_FSI_DEMO_CREDENTIAL), for the demo hospital only, printed with the
demo accounts, and the README's one curl signs in with it."""

from __future__ import annotations

import io
import json
import re
import shlex
from pathlib import Path

import pytest
from django.core.management import call_command

from yimen.settlement.demo import credential_lines
from yimen.settlement.fsi.auth import DEMO_CREDENTIALS, DEMO_HOSPITAL
from yimen.settlement.models import SignIn
from yimen.web.management.commands import load_demo

from .conftest import envelope

README = Path(__file__).resolve().parents[2] / "README.md"
PATH = "/fsi/api/rsfComIfsService/callService"


def readme_curl() -> tuple[dict[str, str], str]:
    """The headers and body of the README's curl to the interface."""
    text = README.read_text(encoding="utf-8")
    (command,) = [
        block for block in re.findall(r"```sh\n(.*?)```", text, re.S) if "callService" in block
    ]
    words = shlex.split(command.replace("\\\n", " "))
    assert words[0] == "curl" and words[words.index("-s") + 1].endswith(PATH)
    headers = dict(words[i + 1].split(": ", 1) for i, word in enumerate(words) if word == "-H")
    return headers, words[words.index("--data") + 1]


@pytest.fixture
def demo_mode(world, settings):
    """As `make demo` runs: debug on, the demo credential switched on, nothing configured."""
    settings.DEBUG = True
    settings.YIMEN_FSI_DEMO_CREDENTIAL = True
    settings.YIMEN_FSI_AUTH = []


def post(client, headers: dict[str, str], body: str):
    meta = {"HTTP_AUTHORIZATION": headers["Authorization"]}
    response = client.post(PATH, body.encode(), content_type=headers["Content-Type"], **meta)
    return response.status_code, response.json()


def test_the_readme_curl_signs_in_with_the_demo_credential(client, demo_mode):
    headers, body = readme_curl()
    assert json.loads(body)["fixmedins_code"] == DEMO_HOSPITAL
    status, answer = post(client, headers, body)
    assert status == 200 and answer["infcode"] == 0, answer
    sign_no = answer["output"]["signinoutb"]["sign_no"]
    assert SignIn.objects.get(sign_no=sign_no).institution.code == DEMO_HOSPITAL
    assert post(client, headers, body)[1] == answer  # run twice: the same msgid, a retry


def test_the_demo_credential_speaks_for_the_demo_hospital_only(client, demo_mode):
    headers, _ = readme_curl()
    other = envelope("9001", {"signIn": {}}, hospital=("H22010200001", "吉大一院", "220102"))
    status, answer = post(client, headers, json.dumps(other, ensure_ascii=False))
    assert status == 403 and answer["infcode"] == -1
    assert not SignIn.objects.exists()


@pytest.mark.parametrize("debug, switched_on", [(False, True), (True, False)])
def test_outside_the_demo_the_demo_credential_is_refused(client, world, settings, debug,
                                                         switched_on):  # fmt: skip
    settings.DEBUG, settings.YIMEN_FSI_DEMO_CREDENTIAL = debug, switched_on
    settings.YIMEN_FSI_AUTH = []
    headers, body = readme_curl()
    status, answer = post(client, headers, body)
    assert status == 401 and "未配置" in answer["err_msg"]
    assert not SignIn.objects.exists()


def test_the_demo_prints_the_credential_it_configures(demo_mode, settings):
    text = "\n".join(credential_lines())
    headers, _ = readme_curl()
    assert headers["Authorization"] in text and DEMO_HOSPITAL in text
    csb = next(e for e in DEMO_CREDENTIALS if e["scheme"] == "csb")
    assert csb["access_key"] in text and csb["secret"] in text
    settings.YIMEN_FSI_DEMO_CREDENTIAL = False
    off = "\n".join(credential_lines())
    assert "Bearer" not in off and "YIMEN_FSI_DEMO_CREDENTIAL=1" in off


def no_data() -> str:
    return "nothing loaded"


def test_load_demo_prints_the_credentials_after_the_accounts(demo_mode, monkeypatch):
    settlement = next(c for c in load_demo.demo_configs() if c.label == "settlement")
    monkeypatch.setattr(load_demo, "demo_configs", lambda: [settlement])
    monkeypatch.setattr(settlement, "demo_loader", f"{__name__}.no_data")
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert text.index("Demo accounts") < text.index("Bearer yimen-demo-fsi-2026")
