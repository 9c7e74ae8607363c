"""Settle, cancel and restore a visit's bill; the only code that writes Settlement rows.

Each runs inside the caller's transaction (the interface wraps every message in one). The
person row is locked first, so two bills of one person are split one after the other and the
year-to-date figures and account balance each sees are final. The daily totals are bumped
last, to hold their row lock as briefly as possible.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.medins.ledger import account_balance, account_post
from yimen.medins.models import EntryKind, InsuredPerson, InsuredStatus
from yimen.workflow.calendar import SHANGHAI, local_date

from ..errors import AlreadyCancelled, NoOpenLines, RestoreConflict
from ..models import Encounter, FeeDetail, Filing, Settlement, SettlementStatus
from ..models.encounter import AMOUNT_FIELDS, DAILY_SHARDS, EncounterStatus
from ..rules.catalog import LineSplit
from ..rules.engine import INPATIENT, PersonFacts, Result, Visit, YearToDate, settle
from ..transitions import settlement_move, visit_move
from .lookup import basis_for, policy_for


@dataclass
class Computed:
    result: Result
    basis: str
    filing: Filing | None
    fees: list[FeeDetail]
    cross_province: bool


def local_now() -> datetime:
    """Now in Beijing time (ids, days and years of bills are Beijing's)."""
    return timezone.now().astimezone(SHANGHAI)


def new_id(prefix: str) -> str:
    return prefix + local_now().strftime("%Y%m%d%H%M%S") + secrets.token_hex(6).upper()


def open_fees(encounter: Encounter) -> list[FeeDetail]:
    """Fee lines not (or no longer) in a settlement, in upload order."""
    return list(
        encounter.fees.filter(
            Q(settlement__isnull=True) | Q(settlement__status=SettlementStatus.CANCELLED)
        ).order_by("pk")
    )


def year_to_date(person_id: int, year: int, kind: str) -> YearToDate:
    sums = Settlement.objects.filter(
        person_id=person_id, year=year, kind=kind, status=SettlementStatus.SETTLED
    ).aggregate(
        n=Count("pk"),
        ded=Sum("act_pay_dedc"),
        pool=Sum("hifp_pay"),
        large=Sum("hifob_pay"),
        cbase=Sum("critical_base"),
        cpaid=Sum("hifmi_pay"),
    )
    return YearToDate(
        deductible_fen=int(sums["ded"] or 0),
        admissions=int(sums["n"] or 0),
        pool_paid_fen=int(sums["pool"] or 0),
        large_paid_fen=int(sums["large"] or 0),
        critical_base_fen=int(sums["cbase"] or 0),
        critical_paid_fen=int(sums["cpaid"] or 0),
    )


def _line(fee: FeeDetail) -> LineSplit:
    return LineSplit(
        sn=fee.feedetl_sn,
        amount_fen=fee.amount_fen,
        fulamt_ownpay_fen=fee.fulamt_ownpay_fen,
        overlmt_fen=fee.overlmt_fen,
        preselfpay_fen=fee.preselfpay_fen,
        inscp_fen=fee.inscp_fen,
        chrgitm_lv="",
        selfpay_prop=fee.selfpay_prop,
        explanation_zh="",
        explanation_en="",
    )


def compute(encounter: Encounter, *, person: InsuredPerson, when: datetime, acct_used: bool):
    """The split of the encounter's open fee lines as of ``when`` (nothing written)."""
    on = local_date(when)
    fees = open_fees(encounter)
    emergency = encounter.emergency or any(f.er_flag for f in fees)
    insured = person.insured_division_id
    treatment = encounter.institution.division_id
    basis, filing = basis_for(person.pk, insured, treatment, on, emergency)
    facts = PersonFacts(
        insurance_type=person.insurance_type,
        retired=person.status == InsuredStatus.RETIRED,
        account_balance_fen=account_balance(person) if person.insurance_type == "employee" else 0,
        use_account=acct_used,
    )
    visit = Visit(kind=encounter.kind, level=encounter.institution.level, basis=basis)
    ytd = year_to_date(person.pk, on.year, encounter.kind)
    result = settle([_line(f) for f in fees], facts, visit, policy_for(insured, on), ytd)
    return Computed(result, basis, filing, fees, insured[:2] != treatment[:2])


def shard_of(setl_id: str) -> int:
    """The daily-total shard of a settlement: from its id's random last hex digit, so a bill
    and its cancellation bump the same row and concurrent bills spread over all of them."""
    try:
        return int(setl_id[-1], 16) % DAILY_SHARDS
    except (ValueError, IndexError):
        return 0


#: one statement on PostgreSQL and SQLite alike: add to the row of the key, making it if new
DAILY_UPSERT = (
    "INSERT INTO settlement_dailytotal (day, insured_division_code, treatment_division_code,"
    " kind, cross_province, emergency, shard, count, medfee_fen, fund_fen)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (day, insured_division_code, treatment_division_code, kind, cross_province,"
    " emergency, shard) DO UPDATE SET count = settlement_dailytotal.count + excluded.count,"
    " medfee_fen = settlement_dailytotal.medfee_fen + excluded.medfee_fen,"
    " fund_fen = settlement_dailytotal.fund_fen + excluded.fund_fen"
)


def daily_params(
    *, day: date, insured: str, treatment: str, kind: str, cross_province: bool,
    emergency: bool, setl_id: str, sign: int, medfee_fen: int, fund_fen: int,
) -> list[Any]:  # fmt: skip
    """Parameters of DAILY_UPSERT: the totals are kept per city pair (4-digit prefixes)."""
    return [
        connection.ops.adapt_datefield_value(day), insured[:4].ljust(12, "0"),
        treatment[:4].ljust(12, "0"), kind, cross_province, emergency, shard_of(setl_id),
        sign, sign * medfee_fen, sign * fund_fen,
    ]  # fmt: skip


#: PostgreSQL: a past day's shards taken out and added to its shard 0 in one statement
FOLD_POSTGRESQL = (
    "WITH gone AS (DELETE FROM settlement_dailytotal WHERE day < %s AND shard <> 0"
    " RETURNING day, insured_division_code, treatment_division_code, kind, cross_province,"
    " emergency, count, medfee_fen, fund_fen),"
    " added AS (INSERT INTO settlement_dailytotal (day, insured_division_code,"
    " treatment_division_code, kind, cross_province, emergency, shard, count, medfee_fen,"
    " fund_fen) SELECT day, insured_division_code, treatment_division_code, kind,"
    " cross_province, emergency, 0, SUM(count), SUM(medfee_fen), SUM(fund_fen) FROM gone"
    " GROUP BY day, insured_division_code, treatment_division_code, kind, cross_province,"
    " emergency ON CONFLICT (day, insured_division_code, treatment_division_code, kind,"
    " cross_province, emergency, shard) DO UPDATE SET count = settlement_dailytotal.count"
    " + excluded.count, medfee_fen = settlement_dailytotal.medfee_fen + excluded.medfee_fen,"
    " fund_fen = settlement_dailytotal.fund_fen + excluded.fund_fen)"
    " SELECT count(*) FROM gone"
)
PAST_SHARDS = (
    "SELECT day, insured_division_code, treatment_division_code, kind, cross_province,"
    " emergency, SUM(count), SUM(medfee_fen), SUM(fund_fen) FROM settlement_dailytotal"
    " WHERE day < %s AND shard <> 0 GROUP BY day, insured_division_code,"
    " treatment_division_code, kind, cross_province, emergency"
)


@transaction.atomic
def daily_totals_fold(*, before: date) -> int:
    """Fold the shards of every day before ``before`` into that day's shard 0; the number of
    rows removed. Safe to rerun and to run while settling.

    Why: shards only spare concurrent settlements of the same day one row lock; for a past
    day they just make the indicator page read up to 16 rows where one would do. A late
    cancellation of an old bill adds a shard row again, which the next fold takes in.
    Run daily (cron: ``yimen settlement_fold_daily``)."""
    day = connection.ops.adapt_datefield_value(before)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(FOLD_POSTGRESQL, [day])
            return int(cursor.fetchone()[0])
        # SQLite (no DELETE in WITH): writers are serialised, so read, add, then delete
        cursor.execute(PAST_SHARDS, [day])
        sums = cursor.fetchall()
        for row in sums:
            cursor.execute(DAILY_UPSERT, [*row[:6], 0, *row[6:]])
        cursor.execute("DELETE FROM settlement_dailytotal WHERE day < %s AND shard <> 0", [day])
        return cursor.rowcount


def _bump(settlement: Settlement, sign: int) -> None:
    params = daily_params(
        day=settlement.day, insured=settlement.insured_division_code,
        treatment=settlement.treatment_division_code, kind=settlement.kind,
        cross_province=settlement.cross_province, emergency=settlement.emergency,
        setl_id=settlement.setl_id, sign=sign, medfee_fen=settlement.medfee_sumamt,
        fund_fen=settlement.fund_pay_sumamt,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(DAILY_UPSERT, params)


def lock_person(person_id: int) -> InsuredPerson:
    return InsuredPerson.objects.select_for_update().get(pk=person_id)


def settle_encounter(
    encounter: Encounter, *, msgid: str, acct_used: bool, when: datetime
) -> tuple[Settlement, Computed]:
    """Settle the open lines: store the split, debit the account, bump the daily totals."""
    person = lock_person(encounter.person_id)
    c = compute(encounter, person=person, when=when, acct_used=acct_used)
    if not c.fees:
        raise NoOpenLines()
    r = c.result
    local = when.astimezone(SHANGHAI)
    settlement = Settlement.objects.create(
        setl_id=new_id("S"),
        encounter=encounter,
        person=person,
        institution=encounter.institution,
        filing=c.filing,
        kind=encounter.kind,
        basis=c.basis,
        level=encounter.institution.level,
        emergency=c.basis == "emergency" or encounter.emergency,
        cross_province=c.cross_province,
        insured_division_code=person.insured_division_id,
        treatment_division_code=encounter.institution.division_id,
        setl_time=when,
        day=local.date(),
        year=local.year,
        msgid=msgid,
        ratio=r.ratio,
        critical_base=r.critical_base,
        line_count=len(c.fees),
        setldetail=[d.__dict__ for d in r.setldetail],
        reasons=[x.__dict__ for x in r.reasons],
        **{name: getattr(r, name) for name in AMOUNT_FIELDS},
    )
    FeeDetail.objects.filter(pk__in=[f.pk for f in c.fees]).update(settlement=settlement)
    if r.acct_pay:
        account_post(person, -r.acct_pay, EntryKind.SETTLEMENT, msgid, memo=settlement.setl_id)
    visit_move(encounter, EncounterStatus.SETTLED)
    _bump(settlement, +1)
    return settlement, c


def cancel_settlement(settlement: Settlement, *, msgid: str, event: EventType) -> Settlement:
    """Undo a settlement exactly: credit the account back, drop it from the totals."""
    lock_person(settlement.person_id)
    settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
    if settlement.status != SettlementStatus.SETTLED:
        raise AlreadyCancelled()
    if settlement.acct_pay:
        account_post(
            settlement.person_id, settlement.acct_pay, EntryKind.SETTLEMENT_REVERSAL, msgid,
            memo=settlement.setl_id,
        )  # fmt: skip
    settlement_move(
        settlement, SettlementStatus.CANCELLED, cancel_msgid=msgid, cancelled_at=timezone.now()
    )
    visit = settlement.encounter
    back = EncounterStatus.DISCHARGED if settlement.kind == INPATIENT else EncounterStatus.OPEN
    if settlement.kind == INPATIENT and visit.endtime is None:
        back = EncounterStatus.OPEN
    visit_move(visit, back)
    record_event(
        event_type=event,
        subject=settlement,
        division_code=settlement.insured_division_code,
        old={"status": SettlementStatus.SETTLED, "setl_id": settlement.setl_id},
        new={"status": SettlementStatus.CANCELLED, "msgid": msgid},
    )
    _bump(settlement, -1)
    return settlement


def restore_settlement(settlement: Settlement, *, msgid: str) -> Settlement:
    """Reverse a cancellation (2601 of a 2208/2305): the settlement stands again as it was."""
    lock_person(settlement.person_id)
    settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
    others = Settlement.objects.filter(
        encounter_id=settlement.encounter_id, status=SettlementStatus.SETTLED
    ).exclude(pk=settlement.pk)
    # by the visit's (indexed) lines: the link to the settlement is deliberately not indexed
    lines = FeeDetail.objects.filter(encounter_id=settlement.encounter_id, settlement=settlement)
    lines_gone = lines.count() != settlement.line_count
    if settlement.status != SettlementStatus.CANCELLED or others.exists() or lines_gone:
        raise RestoreConflict()
    if settlement.acct_pay:
        account_post(settlement.person_id, -settlement.acct_pay, EntryKind.SETTLEMENT, msgid,
                     memo=settlement.setl_id)  # fmt: skip
    settlement_move(settlement, SettlementStatus.SETTLED, cancel_msgid="", cancelled_at=None)
    visit_move(settlement.encounter, EncounterStatus.SETTLED)
    record_event(
        event_type=EventType.SETTLEMENT_REVERSED,
        subject=settlement,
        division_code=settlement.insured_division_code,
        old={"status": SettlementStatus.CANCELLED},
        new={"status": SettlementStatus.SETTLED, "msgid": msgid},
    )
    _bump(settlement, +1)
    return settlement
