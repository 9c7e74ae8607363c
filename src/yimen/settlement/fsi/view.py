"""POST /fsi/api/rsfComIfsService/callService[/<infno>]: one envelope in, one answer out.

msgid idempotency: the first answer to a msgid is stored in the same transaction as the work
it describes; a retry gets that stored answer byte for byte, and a concurrent duplicate
blocks on the unique msgid until the first commits, then is rolled back whole and gets the
first answer. Refusals are stored
too (a retry is refused the same way); envelope and authentication errors are not, as they
carry no trustworthy msgid. Nothing reaches the client as an HTTP 500: any unexpected error
is logged and answered infcode -1. An accepted settlement (2207/2304) is written by
``settle_fast`` in a few statements; everything else, refusals included, by the handlers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from yimen.errors import YimenError

from ..errors import AuthFailed, EnvelopeError, Refuse
from ..models import FsiMessage, Institution, SignIn
from . import handlers_settle as s
from . import handlers_visit as v
from .auth import authenticate
from .context import Context
from .envelope import Envelope, answer, decode, message_digest, parse
from .settle_fast import settle_fast

log = logging.getLogger(__name__)

HANDLERS: dict[str, Callable[[Context], dict[str, Any]]] = {
    "9001": v.sign_in,
    "9002": v.sign_out,
    "1101": v.person_info,
    "2201": v.register,
    "2202": v.unregister,
    "2203": v.visit_info,
    "2203A": v.visit_info,
    "2204": v.upload_outpatient,
    "2205": v.cancel_outpatient_lines,
    "2206": s.preview_outpatient,
    "2207": s.settle_outpatient,
    "2208": s.cancel_outpatient,
    "2301": v.upload_inpatient,
    "2302": v.cancel_inpatient_lines,
    "2303": s.preview_inpatient,
    "2304": s.settle_inpatient,
    "2305": s.cancel_inpatient,
    "2401": v.admit,
    "2402": v.discharge,
    "2403": v.change_admission,
    "2404": v.cancel_admission,
    "2405": v.cancel_discharge,
    "2501": v.refer,
    "2502": v.cancel_referral,
    "2601": s.reverse,
}


def _reply(body: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _replay(first: FsiMessage, env: Envelope) -> dict[str, Any]:
    """The stored answer when ``env`` is a retry of the first message; a refusal (stored
    nowhere: the msgid is taken) when it is another message under the same msgid."""
    if first.fixmedins_code != env.fixmedins_code:
        return answer(False, err_msg="msgid 重复", area=env.mdtrtarea_admvs)
    if first.digest and first.digest != message_digest(env):
        return answer(False, area=env.mdtrtarea_admvs, err_msg=(
            f"msgid {env.msgid} 已用于另一笔报文（交易 {first.infno}），本次报文内容与之不同，"
            "未予处理；重发须与原报文完全一致，新交易请使用新的 msgid"))  # fmt: skip
    return first.response


def _context(env: Envelope, now: datetime | None = None) -> Context:
    if env.infno == "9001":
        institution = Institution.objects.filter(code=env.fixmedins_code, active=True).first()
    else:  # one query: the open sign-in names the institution
        sign = (
            SignIn.objects.select_related("institution")
            .filter(
                sign_no=env.sign_no,
                signed_out_at__isnull=True,
                institution__code=env.fixmedins_code,
            )
            .first()
        )
        institution = sign.institution if sign is not None else None
        if (
            institution is None
            and Institution.objects.filter(code=env.fixmedins_code, active=True).exists()
        ):
            raise Refuse("签到编号 sign_no 无效或已签退，请先签到（9001）")
    if institution is None or not institution.active:
        raise Refuse("定点医药机构编号不存在或未启用")
    if institution.division_id[:4] != env.mdtrtarea_admvs[:4]:
        raise Refuse("就医地区划 mdtrtarea_admvs 与定点医药机构所在地不符")
    return Context(env=env, institution=institution, now=now or timezone.now())


def _handle(env: Envelope, now: datetime | None = None) -> dict[str, Any]:
    # no look-up first: a retried msgid fails the unique insert below and gets the stored answer
    handler = HANDLERS.get(env.infno)
    if handler is None:
        return answer(False, err_msg=f"不支持的交易编号 {env.infno}", area=env.mdtrtarea_admvs)
    try:
        fast = settle_fast(env, now)  # an accepted 2207/2304 in a few statements, else None
        if fast is not None:
            return fast
        with transaction.atomic():
            try:
                with transaction.atomic():
                    body = answer(True, handler(_context(env, now)), area=env.mdtrtarea_admvs)
            except Refuse as exc:
                body = answer(False, err_msg=exc.message, area=env.mdtrtarea_admvs)
            except YimenError as exc:
                body = answer(False, err_msg=exc.render("zh-hans"), area=env.mdtrtarea_admvs)
            # stored last, in the same transaction: a duplicate msgid fails here (waiting for
            # the first to commit) and everything it did is rolled back
            FsiMessage.objects.create(
                msgid=env.msgid, infno=env.infno, fixmedins_code=env.fixmedins_code,
                infcode=0 if str(body["infcode"]) == "0" else -1, response=body,
                digest=message_digest(env),
            )  # fmt: skip
    except IntegrityError:
        first = FsiMessage.objects.filter(msgid=env.msgid).first()
        if first is None:
            raise
        return _replay(first, env)
    return body


def serve(
    method: str, headers: Mapping[str, str], body: bytes, infno: str | None = None
) -> tuple[int, dict[str, Any]]:
    """One call of the interface: (HTTP status, answer). Shared by the Django view and the
    lean WSGI entry (fsi/wsgi.py); never raises."""
    try:
        if method != "POST":
            return 405, answer(False, err_msg="仅支持 POST 请求")
        try:
            credential = authenticate(headers)
        except AuthFailed as exc:
            return 401, answer(False, err_msg=exc.message)
        try:
            env = parse(decode(body), infno)
        except EnvelopeError as exc:
            return 200, answer(False, err_msg=exc.message)
        if not credential.allows(env.fixmedins_code):
            return 403, answer(False, err_msg="该凭据无权代表此定点医药机构")
        return 200, _handle(env)
    except Exception:  # never a 500 to a hospital system: log it and refuse cleanly
        log.exception("fsi call failed")
        return 200, answer(False, err_msg="中心系统处理异常，请稍后重试或冲正")


def replay(envelope: Mapping[str, Any], *, at: datetime) -> dict[str, Any]:
    """One envelope handled in process as if it had arrived at ``at``: the same parsing,
    handlers and fast settlement as a hospital's call, without the gateway authentication
    (the caller is our own code). The demo loader replays a month of hospital traffic with
    it; a hospital's call always takes the server clock (``serve``)."""
    try:
        env = parse(dict(envelope), None)
    except EnvelopeError as exc:
        return answer(False, err_msg=exc.message)
    return _handle(env, at)


def read_body(request: HttpRequest) -> bytes | None:
    """The request body, or None when it is too large or cannot be read."""
    try:
        return request.body
    except Exception:  # RequestDataTooBig, a broken stream: refused, never a 500
        log.warning("fsi body not read", exc_info=True)
        return None


UNREADABLE = "报文过大或无法读取"


@csrf_exempt
def call_service(request: HttpRequest, infno: str | None = None) -> JsonResponse:
    raw = read_body(request)
    if raw is None:
        return _reply(answer(False, err_msg=UNREADABLE), status=400)
    status, body = serve(request.method or "", request.headers, raw, infno)
    return _reply(body, status=status)
