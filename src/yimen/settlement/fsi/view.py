"""POST /fsi/api/rsfComIfsService/callService[/<infno>]: one envelope in, one answer out.

msgid idempotency: the first answer to a msgid is stored in the same transaction as the work
it describes; a retry gets that stored answer byte for byte, and a concurrent duplicate
blocks on the unique msgid until the first commits, then is rolled back whole and gets the
first answer. Refusals are stored
too (a retry is refused the same way); envelope and authentication errors are not, as they
carry no trustworthy msgid. Nothing reaches the client as an HTTP 500: any unexpected error
is logged and answered infcode -1.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from yimen.errors import YimenError

from ..models import FsiMessage, Institution, SignIn
from . import handlers_settle as s
from . import handlers_visit as v
from .auth import AuthFailed, authenticate
from .context import Context, Refuse
from .envelope import Envelope, EnvelopeError, answer, decode, parse

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


def _replay(first: FsiMessage, env: Envelope) -> JsonResponse:
    if first.fixmedins_code != env.fixmedins_code:
        return _reply(answer(False, err_msg="msgid 重复", area=env.mdtrtarea_admvs))
    return _reply(first.response)


def _context(env: Envelope) -> Context:
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
    return Context(env=env, institution=institution, now=timezone.now())


def _handle(env: Envelope) -> JsonResponse:
    # no look-up first: a retried msgid fails the unique insert below and gets the stored answer
    handler = HANDLERS.get(env.infno)
    if handler is None:
        return _reply(
            answer(False, err_msg=f"不支持的交易编号 {env.infno}", area=env.mdtrtarea_admvs)
        )
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    body = answer(True, handler(_context(env)), area=env.mdtrtarea_admvs)
            except Refuse as exc:
                body = answer(False, err_msg=exc.message, area=env.mdtrtarea_admvs)
            except YimenError as exc:
                body = answer(False, err_msg=exc.render("zh-hans"), area=env.mdtrtarea_admvs)
            # stored last, in the same transaction: a duplicate msgid fails here (waiting for
            # the first to commit) and everything it did is rolled back
            FsiMessage.objects.create(
                msgid=env.msgid, infno=env.infno, fixmedins_code=env.fixmedins_code,
                infcode=0 if str(body["infcode"]) == "0" else -1, response=body,
            )  # fmt: skip
    except IntegrityError:
        first = FsiMessage.objects.filter(msgid=env.msgid).first()
        if first is None:
            raise
        return _replay(first, env)
    return _reply(body)


@csrf_exempt
def call_service(request: HttpRequest, infno: str | None = None) -> JsonResponse:
    try:
        if request.method != "POST":
            return _reply(answer(False, err_msg="仅支持 POST 请求"), status=405)
        try:
            credential = authenticate(request.headers)
        except AuthFailed as exc:
            return _reply(answer(False, err_msg=exc.message), status=401)
        try:
            env = parse(decode(request.body), infno)
        except EnvelopeError as exc:
            return _reply(answer(False, err_msg=exc.message))
        if not credential.allows(env.fixmedins_code):
            return _reply(answer(False, err_msg="该凭据无权代表此定点医药机构"), status=403)
        return _handle(env)
    except Exception:  # never a 500 to a hospital system: log it and refuse cleanly
        log.exception("fsi call failed")
        return _reply(answer(False, err_msg="中心系统处理异常，请稍后重试或冲正"))
