"""The request envelope and the answer (medins-protocol.md §3–4).

Bodies are decoded as UTF-8 (BOM tolerated) and, failing that, GB18030 (a superset of GBK, as
Windows clients send with Encoding.Default). Scalar fields are accepted as numbers or strings.
Every refusal is an answer with ``infcode`` -1 and a Chinese ``err_msg``.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from django.conf import settings
from django.utils import timezone

from yimen.workflow.calendar import SHANGHAI

from ..errors import EnvelopeError

REQUIRED = (
    "infno",
    "msgid",
    "mdtrtarea_admvs",
    "recer_sys_code",
    "infver",
    "opter_type",
    "opter",
    "opter_name",
    "inf_time",
    "fixmedins_code",
    "fixmedins_name",
)
OPTIONAL = ("insuplc_admdvs", "sign_no", "dev_no", "dev_safe_info", "cainfo", "signtype")


@dataclass(frozen=True)
class Envelope:
    infno: str
    msgid: str
    mdtrtarea_admvs: str
    insuplc_admdvs: str
    fixmedins_code: str
    fixmedins_name: str
    opter: str
    opter_name: str
    opter_type: str
    sign_no: str
    inf_time: str
    input: dict[str, Any]
    #: message_digest of infno + input, computed when the envelope is read
    digest: str = ""


def decode(body: bytes) -> Any:
    """UTF-8 first, then GB18030; JSON either way."""
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = body.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise EnvelopeError("报文编码无法识别（应为 UTF-8 或 GB18030）") from exc
    if "\x00" in text or "\\u0000" in text:  # no field takes a NUL (PostgreSQL cannot)
        raise EnvelopeError("报文含有空字符（NUL），任何字段都不接受")
    try:
        return orjson.loads(text)  # several times faster than json on the hot path
    except orjson.JSONDecodeError:
        pass
    try:  # what orjson refuses but json reads (integers beyond 64 bits, NaN): as before
        return json.loads(text)
    except (ValueError, RecursionError) as exc:  # nested deeper than Python's stack
        raise EnvelopeError(NOT_JSON) from exc


NOT_JSON = "报文不是合法的 JSON"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (bool, dict, list)):
        raise TypeError
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse(data: Any, path_infno: str | None) -> Envelope:
    """Check the envelope's fields; refuse with the first problem, in Chinese."""
    if not isinstance(data, dict):
        raise EnvelopeError("报文应为 JSON 对象")
    fields: dict[str, str] = {}
    for name in REQUIRED + OPTIONAL:
        try:
            fields[name] = _text(data.get(name))
        except TypeError as exc:
            raise EnvelopeError(f"字段 {name} 应为字符串或数字") from exc
    if path_infno and not fields["infno"]:
        fields["infno"] = path_infno
    missing = [name for name in REQUIRED if not fields[name]]
    if missing:
        raise EnvelopeError(f"缺少必填字段：{'、'.join(missing)}")
    if path_infno and fields["infno"] != path_infno:
        raise EnvelopeError(f"地址中的交易编号 {path_infno} 与报文 infno {fields['infno']} 不一致")
    if len(fields["msgid"]) > 64:
        raise EnvelopeError("msgid 过长")
    try:
        _check_time(fields["inf_time"])
    except ValueError as exc:
        raise EnvelopeError("inf_time 应为 yyyy-MM-dd HH:mm:ss") from exc
    payload = data.get("input")
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise EnvelopeError("input 应为 JSON 对象（本系统仅支持明文模式）")
    return Envelope(
        infno=fields["infno"],
        msgid=fields["msgid"],
        mdtrtarea_admvs=fields["mdtrtarea_admvs"],
        insuplc_admdvs=fields["insuplc_admdvs"],
        fixmedins_code=fields["fixmedins_code"],
        fixmedins_name=fields["fixmedins_name"],
        opter=fields["opter"],
        opter_name=fields["opter_name"],
        opter_type=fields["opter_type"],
        sign_no=fields["sign_no"],
        inf_time=fields["inf_time"],
        input=payload,
        digest=_digest(fields["infno"], payload),
    )


_TIME = re.compile(r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)", re.ASCII)


def _check_time(value: str) -> None:
    """ValueError unless strptime(value, "%Y-%m-%d %H:%M:%S") would read it; the usual
    zero-padded form without strptime (slow, and on every message)."""
    found = _TIME.fullmatch(value)
    if found is None:
        datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        return
    datetime(*(int(part) for part in found.groups()))  # type: ignore[misc]


def message_digest(env: Envelope) -> str:
    """SHA-256 (hex) of the message's canonical form: infno and input, keys sorted, compact
    UTF-8 JSON. The envelope's other fields (times, sign_no, operator) may differ in a
    retry; these two are what the message asks for."""
    return env.digest or _digest(env.infno, env.input)


def _digest(infno: str, payload: dict[str, Any]) -> str:
    try:
        canonical = orjson.dumps([infno, payload], option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        # what orjson does not write: integers beyond 64 bits and NaN (read by json, as
        # before), or nesting deeper than its 254 levels (it reads 1,024)
        try:
            canonical = json.dumps([infno, payload], sort_keys=True, ensure_ascii=False,
                                   separators=(",", ":")).encode()  # fmt: skip
        except (ValueError, RecursionError) as exc:
            raise EnvelopeError(NOT_JSON + "（嵌套层数过多）") from exc
    return hashlib.sha256(canonical).hexdigest()


def _stamp() -> str:
    now = timezone.now().astimezone(SHANGHAI)  # Beijing time, as every time in the interface
    return now.strftime("%Y%m%d%H%M%S") + f"{now.microsecond // 1000:03d}"


def answer(ok: bool, output: Any = None, err_msg: str = "", area: str = "") -> dict[str, Any]:
    """The response envelope. infcode is a number unless the deployment asks for a string."""
    now = _stamp()
    code: int | str = 0 if ok else -1
    if getattr(settings, "YIMEN_FSI_INFCODE_AS_STRING", False):
        code = str(code)
    return {
        "infcode": code,
        "inf_refmsgid": (area or "220100")[:6].ljust(6, "0")
        + now[:14]
        + f"{secrets.randbelow(10**10):010d}",
        "refmsg_time": now,
        "respond_time": _stamp(),
        "enctype": "",
        "signtype": "",
        "cainfo": "",
        "err_msg": None if ok else err_msg[:200],
        "warn_msg": None,
        "output": output if ok else None,
    }
