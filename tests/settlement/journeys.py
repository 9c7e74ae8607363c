"""Replay a recorded journey (fixtures/<name>.json) through the HTTP interface.

Each step's request is the hospital's message with placeholders ($psn_no, $mdtrt_id,
$msgid.<step> …) filled from earlier answers; its ``expect`` holds hand-computed values. The
full request/response transcript, with ids and clock values masked, is compared with
fixtures/recorded/<name>.json (regenerate with YIMEN_RECORD_FSI=1 after a deliberate change).
"""

from __future__ import annotations

import json
import os
from itertools import count
from pathlib import Path
from typing import Any

from .conftest import CHANGCHUN_HOSPITAL, HAIKOU_HOSPITAL, Fsi, envelope

FIXTURES = Path(__file__).parent / "fixtures"
VOLATILE = {
    "msgid", "omsgid", "inf_refmsgid", "refmsg_time", "respond_time", "sign_no", "sign_time",
    "mdtrt_id", "setl_id", "medins_setl_id", "trt_dcla_detl_sn", "psn_no", "age",
    "psn_insu_date", "setl_time",
    # the person's identity comes from the medins test helpers; not this interface's concern
    "certno", "mdtrt_cert_no", "brdy",
}  # fmt: skip
SEQ = count(1)


def dig(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def fill(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: fill(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, names) for v in value]
    if isinstance(value, str) and value.startswith("$"):
        return names[value[1:]]
    return value


def mask(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("<masked>" if k in VOLATILE and v else mask(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v) for v in value]
    return value


def run(client, name: str, person) -> list[dict[str, Any]]:
    spec = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    systems = {"changchun": Fsi(client, CHANGCHUN_HOSPITAL), "haikou": Fsi(client, HAIKOU_HOSPITAL)}
    names = {"certno": person.id_number, "psn_no": str(person.pk)}
    transcript = []
    for step in spec["steps"]:
        system = systems[step.get("at", "haikou")]
        names["sign_no"] = system.sign_no
        code = system.hospital[0]
        body = envelope(
            step["infno"],
            fill(step["input"], names),
            hospital=system.hospital,
            msgid=f"{code}20260101120000{next(SEQ):04d}",
            insuplc=step.get("insuplc", "220100"),
            sign_no=system.sign_no,
        )
        status, answer = system.post(body)
        assert status == 200, (step["id"], answer)
        names[f"msgid.{step['id']}"] = body["msgid"]
        if step["infno"] == "9001" and answer["infcode"] == 0:
            system.sign_no = answer["output"]["signinoutb"]["sign_no"]
        if step["infno"] == "1101" and answer["infcode"] == 0:
            names["psn_no"] = answer["output"]["baseinfo"]["psn_no"]
        for path, expected in step["expect"].items():
            assert dig(answer, path) == expected, (step["id"], path, answer)
        for key, path in step.get("capture", {}).items():
            names[key] = dig(answer, path)
        transcript.append(mask({"step": step["id"], "request": body, "response": answer}))
    recorded = FIXTURES / "recorded" / f"{name}.json"
    if os.environ.get("YIMEN_RECORD_FSI") == "1":
        recorded.parent.mkdir(exist_ok=True)
        recorded.write_text(json.dumps(transcript, ensure_ascii=False, indent=1) + "\n", "utf-8")
    assert transcript == json.loads(recorded.read_text(encoding="utf-8"))
    return transcript
