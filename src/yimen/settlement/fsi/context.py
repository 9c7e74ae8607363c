"""What every transaction handler shares: the context, refusals, field readers, output shapes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

from yimen.medins.models import InsuredPerson, InsuredStatus
from yimen.workflow.calendar import SHANGHAI

from ..errors import Refuse
from ..models import Encounter, Institution
from ..rules.money import FEN
from .envelope import Envelope

INSUTYPE = {"employee": "310", "resident": "390"}
#: our dictionary for psn_type (national dictionary chapter not retrieved): 在职/退休/居民
PSN_TYPE = {("employee", False): "11", ("employee", True): "21", ("resident", False): "90"}


@dataclass
class Context:
    env: Envelope
    institution: Institution
    now: datetime

    @property
    def input(self) -> dict[str, Any]:
        return self.env.input


def node(ctx: Context, name: str) -> dict[str, Any]:
    value = ctx.input.get(name)
    if not isinstance(value, dict):
        raise Refuse(f"input 缺少节点 {name}")
    return value


def rows(ctx: Context, name: str) -> list[dict[str, Any]]:
    value = ctx.input.get(name)
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        raise Refuse(f"input 缺少明细节点 {name}")
    return value


def text(data: dict[str, Any], name: str, required: bool = True) -> str:
    value = data.get(name)
    if value is None or isinstance(value, (dict, list, bool)):
        value = ""
    value = str(value).strip()
    if required and not value:
        raise Refuse(f"缺少字段 {name}")
    return value


#: the largest amount (yuan) a field may carry; a deployment may set others per field in
#: YIMEN_FSI_AMOUNT_CEILINGS ({"det_item_fee_sumamt": "500000.00", ...}). Well inside the
#: national 16,2 and the database's 64-bit fen, so nothing larger ever reaches either.
AMOUNT_CEILINGS = {"det_item_fee_sumamt": Decimal("9999999.99")}
DEFAULT_CEILING = Decimal("99999999.99")
#: quantity and unit price: the decimals the catalogue's columns hold (cnt 16,4; pric 16,6)
#: and a bound that keeps them inside 16 digits
NUMBER_LIMITS = {"cnt": (4, Decimal("999999999999")), "pric": (6, Decimal("9999999999"))}


def _ceiling(name: str) -> Decimal:
    configured = getattr(settings, "YIMEN_FSI_AMOUNT_CEILINGS", None) or {}
    return Decimal(str(configured.get(name, AMOUNT_CEILINGS.get(name, DEFAULT_CEILING))))


def _finite(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def amount(data: dict[str, Any], name: str, required: bool = True) -> int | None:
    """A yuan amount in fen: a finite number with at most two decimals, within the field's
    ceiling (negative amounts are the callers' to allow or refuse). Refused, naming the
    field, rather than rounded: 0.005 yuan is not an amount anyone can pay."""
    value = data.get(name)
    if value in (None, "") and not required:
        return None
    number = _finite(value)
    if number is None:
        raise Refuse(f"字段 {name} 应为金额")
    ceiling = _ceiling(name)
    if abs(number) > ceiling:
        raise Refuse(f"字段 {name} 的金额超出上限 {ceiling} 元")
    if number != number.quantize(FEN):
        raise Refuse(f"字段 {name} 为金额，最多两位小数")
    return int(number * 100)


def decimal(data: dict[str, Any], name: str) -> Decimal:
    """A quantity or unit price: finite, within the catalogue's decimals and bound."""
    value = _finite(data.get(name))
    if value is None:
        raise Refuse(f"字段 {name} 应为数字")
    places, limit = NUMBER_LIMITS.get(name, (6, Decimal("9999999999")))
    if abs(value) > limit:
        raise Refuse(f"字段 {name} 超出上限 {limit}")
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise Refuse(f"字段 {name} 最多 {places} 位小数")
    return value


def when(data: dict[str, Any], name: str, default: datetime) -> datetime:
    value = text(data, name, required=False)
    if not value:
        return default
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return parsed.replace(tzinfo=SHANGHAI)  # a hospital's clock reads Beijing time
    raise Refuse(f"字段 {name} 应为 yyyy-MM-dd HH:mm:ss")


def beijing(moment: datetime) -> datetime:
    """``moment`` in Beijing time: every time the interface writes, prints or dates by (a
    sign_no prefix, setl_time, the day of a bill) is Asia/Shanghai, whatever the server's or
    the request's zone."""
    return moment.astimezone(SHANGHAI)


def stamp(moment: datetime) -> str:
    """The interface's ``yyyy-MM-dd HH:mm:ss``, in Beijing time."""
    return beijing(moment).strftime("%Y-%m-%d %H:%M:%S")


def yuan(fen: int) -> float:
    return float(Decimal(fen) / 100)


def person(ctx: Context, data: dict[str, Any]) -> InsuredPerson:
    """The person named by psn_no; the envelope's insured place must agree with them."""
    psn_no = text(data, "psn_no")
    valid = psn_no.isascii() and psn_no.isdigit() and len(psn_no) <= 15
    found = InsuredPerson.objects.filter(pk=int(psn_no)).first() if valid else None
    if found is None:
        raise Refuse(f"人员编号 {psn_no} 不存在")
    if not ctx.env.insuplc_admdvs:
        raise Refuse("含人员编号的交易须填写参保地区划 insuplc_admdvs（由 1101 返回）")
    if not found.insured_division_id.startswith(ctx.env.insuplc_admdvs.rstrip("0")[:6] or "x"):
        raise Refuse("参保地区划 insuplc_admdvs 与人员参保地不符")
    return found


def encounter(ctx: Context, data: dict[str, Any], *, lock: bool = True) -> Encounter:
    """The visit named by mdtrt_id at this institution, for the named person; row-locked."""
    mdtrt_id = text(data, "mdtrt_id")
    qs = Encounter.objects.select_related("institution")
    if lock:
        qs = qs.select_for_update(of=("self",))
    found = qs.filter(mdtrt_id=mdtrt_id, institution=ctx.institution).first()
    if found is None:
        raise Refuse(f"就诊 {mdtrt_id} 不存在")
    who = person(ctx, data)
    if found.person_id != who.pk:
        raise Refuse("就诊与人员编号不符")
    return found


def birth_and_gender(id_number: str) -> tuple[date | None, str]:
    digits = id_number[6:14]
    try:
        if len(digits) == 8 and digits.isascii() and digits.isdigit():
            # what strptime("%Y%m%d") gives for 8 digits, without its cost on every answer
            born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        else:
            born = datetime.strptime(digits, "%Y%m%d").date()
    except ValueError:
        return None, ""
    gender = "1" if id_number[16:17].isdigit() and int(id_number[16]) % 2 else "2"
    return born, gender


def psn_type(p: InsuredPerson) -> str:
    retired = p.status == InsuredStatus.RETIRED
    return PSN_TYPE.get((p.insurance_type, retired and p.insurance_type == "employee"), "90")
