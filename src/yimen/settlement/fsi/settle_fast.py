"""Settlement (2207 outpatient, 2304 inpatient) in four statements and three round trips.

Why: 2207 is the interface's hot transaction (issue 8: 200 settlements a second on two
cores). Through the ORM it took ~27 statements and most of its CPU was spent building them.
Here the same rows are read and written with fixed SQL, prepared once per connection on
PostgreSQL and sent in a pipeline:

1. BEGIN + the sign-in, institution, visit and person in one join, the visit and person
   rows locked (FOR UPDATE), as ``services.settling`` locks them;
2. after the locks (so every figure is final), one statement: the open fee lines, the
   account balance with the year's figures, the policy sets in force, the filings;
3. the split by the same pure engine (``rules.engine.settle``), no database;
4. two statements (the second a data-modifying WITH) + COMMIT: the settlement row, its fee
   lines, the account debit (``medins.ledger.posting_statement``: the ledger's own INSERT),
   the visit's status (``transitions``), the daily total (an upsert), the stored answer
   under the msgid.

Only the accepted bill takes this path. Whenever anything is not plainly in order (no
open sign-in, unknown visit, wrong person or state, amounts that differ, no lines, no
policy) it gives up before writing anything and the caller runs the ordinary handler, which
refuses with its own Chinese message; so there is one source of every refusal. A duplicate
msgid fails the stored answer's unique index, rolls back everything, and the caller replays
the first answer — as in the ordinary path. SQLite runs the same reads and writes as
separate statements (writes are serialised there; FOR UPDATE is dropped).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from yimen.errors import YimenError
from yimen.medins.ledger import BALANCE_OF, posting_statement
from yimen.medins.models import EntryKind, InsuredStatus

from ..errors import Refuse
from ..models.encounter import AMOUNT_FIELDS, EncounterKind, EncounterStatus
from ..rules.catalog import LineSplit
from ..rules.engine import PersonFacts, Result, Visit, YearToDate, settle
from ..services.lookup import basis_of, covering, policy_in_force, policy_scope, same_city
from ..services.settling import DAILY_UPSERT, daily_params, new_id
from ..transitions import SETTLEMENT_INITIAL, visit_settle_statement
from .context import amount, beijing, text
from .envelope import Envelope, answer, message_digest
from .handlers_settle import CHECKED_ON_SETTLE

KIND = {"2207": EncounterKind.OUTPATIENT, "2304": EncounterKind.INPATIENT}


class GiveUp(Exception):
    """Not the plain case: nothing was written; let the ordinary handler answer."""


LOCK = (
    "SELECT i.id, i.code, i.level, i.division_id, e.id, e.mdtrt_id, e.kind, e.status,"
    " e.insutype, e.emergency, e.med_type, e.person_id, p.id_number, p.name,"
    " p.insured_division_id, p.insurance_type, p.status"
    " FROM settlement_signin s"
    " JOIN settlement_institution i ON i.id = s.institution_id"
    " JOIN settlement_encounter e ON e.institution_id = i.id"
    " JOIN medins_insuredperson p ON p.id = e.person_id"
    " WHERE s.sign_no = %s AND s.signed_out_at IS NULL AND i.code = %s AND i.active"
    " AND e.mdtrt_id = %s"
)
#: the visit's open fee lines: in no settlement, or in a cancelled one. The settlement's
#: status is looked up per line by its primary key (a correlated subquery), not joined: a
#: join lets the planner pick a hash join over a sequential scan of every settlement when
#: the table's statistics are young (an empty table at go-live, or the load benchmark's),
#: and the prepared statement then keeps that plan while the table grows — each bill read
#: the whole table (issue 20: 0.1 → 1 ms per bill over 3,000 settlements, and rising)
OPEN_FEES = (
    " FROM settlement_feedetail f WHERE f.encounter_id = %s AND (f.settlement_id IS NULL"
    " OR (SELECT s.status FROM settlement_settlement s WHERE s.id = f.settlement_id)"
    " = 'cancelled')"
)
FEE_COLUMNS = (
    "f.id, f.feedetl_sn, f.amount_fen, f.fulamt_ownpay_fen, f.overlmt_fen, f.preselfpay_fen,"
    " f.inscp_fen, f.selfpay_prop, f.er_flag"
)
FEES = f"SELECT {FEE_COLUMNS}{OPEN_FEES} ORDER BY f.id"
FIGURES = (
    f"SELECT {BALANCE_OF}, COUNT(s.id), COALESCE(SUM(s.act_pay_dedc), 0),"  # noqa: S608
    " COALESCE(SUM(s.hifp_pay), 0), COALESCE(SUM(s.hifob_pay), 0),"
    " COALESCE(SUM(s.critical_base), 0), COALESCE(SUM(s.hifmi_pay), 0)"
    " FROM settlement_settlement s"
    " WHERE s.person_id = %s AND s.year = %s AND s.kind = %s AND s.status = 'settled'"
)
POLICIES = (
    "SELECT id, division_id, valid_from FROM settlement_policyset"
    " WHERE division_id IN ({codes}) AND valid_from <= %s ORDER BY valid_from DESC"
)
FILINGS = (
    "SELECT id, category, created_at, destination_id FROM settlement_filing"
    " WHERE person_id = %s AND status = 'active' AND begin_date <= %s"
    " AND (end_date IS NULL OR end_date >= %s)"
)
SETTLEMENT_COLUMNS = (
    "setl_id", "encounter_id", "person_id", "institution_id", "filing_id", "kind", "status",
    "basis", "level", "emergency", "cross_province", "insured_division_code",
    "treatment_division_code", "setl_time", "day", "year", "msgid", "cancel_msgid",
    "ratio", "critical_base", "line_count", *AMOUNT_FIELDS, "setldetail", "reasons",
)  # fmt: skip
INSERT_SETTLEMENT = "INSERT INTO settlement_settlement ({}) VALUES ({})".format(  # noqa: S608
    ", ".join(SETTLEMENT_COLUMNS), ", ".join(["%s"] * len(SETTLEMENT_COLUMNS))
)  # fixed column names, no input
LINK_FEES = (
    "UPDATE settlement_feedetail SET settlement_id ="
    " (SELECT id FROM settlement_settlement WHERE setl_id = %s) WHERE id IN ({ids})"
)
STORE_ANSWER = (
    "INSERT INTO settlement_fsimessage (msgid, infno, fixmedins_code, infcode, response,"
    " received_at, reversed_by, digest) VALUES (%s, %s, %s, 0, %s, %s, '', %s)"
)


@dataclass(frozen=True)
class Row:
    """The visit and person as ``handlers_settle.setlinfo`` reads them."""

    pk: int
    mdtrt_id: str = ""
    med_type: str = ""
    kind: str = ""
    id_number: str = ""
    name: str = ""
    insurance_type: str = ""
    status: str = ""
    insured_division_id: str = ""


@dataclass(frozen=True)
class FilingRow:
    pk: int
    category: str
    created_at: Any
    destination_id: str


def enabled() -> bool:
    return getattr(settings, "YIMEN_FSI_FAST_SETTLE", True)


def prepared() -> bool:
    """Server-side prepared statements for these statements (Django leaves them off so that
    transaction-mode poolers work; set YIMEN_FSI_PREPARED = False behind such a pooler).
    Django's own cursors bind on the client and never prepare, whatever this says."""
    return getattr(settings, "YIMEN_FSI_PREPARED", True)


def settle_fast(env: Envelope, now: datetime | None = None) -> dict[str, Any] | None:
    """The answer of an accepted 2207/2304, committed with its rows; None if the ordinary
    handler must answer (nothing was written). Raises IntegrityError on a duplicate msgid.
    ``now`` is the server clock unless an in-process replay (view.replay) names the time."""
    if env.infno not in KIND or not enabled():
        return None
    try:
        if connection.vendor == "postgresql":
            return _run_postgresql(env, now)
        with transaction.atomic():
            return _run(env, _Sequential(), now)
    except (GiveUp, Refuse, YimenError):
        return None


Reads = tuple[list[tuple], tuple, list[tuple], list[tuple]]


class _Sequential:
    """Statements one after the other through Django's cursor (SQLite)."""

    lock_suffix = ""

    def __init__(self) -> None:
        self.cursor = connection.cursor()

    def one(self, sql: str, params: list[Any]) -> tuple | None:
        self.cursor.execute(sql, params)
        return self.cursor.fetchone()

    def all(self, sql: str, params: list[Any]) -> list[tuple]:
        self.cursor.execute(sql, params)
        return list(self.cursor.fetchall())

    def read(self, visit_id: int, person_id: int, year: int, kind: str, scope: list[str],
             day: Any, away: bool) -> Reads:  # fmt: skip
        """The open fee lines, (balance, the year's figures), the policy sets, the filings."""
        fees = self.all(FEES, [visit_id])
        figures = self.one(FIGURES, [person_id, person_id, year, kind]) or ()
        policies = self.all(POLICIES.format(codes=", ".join(["%s"] * len(scope))), [*scope, day])
        filings = self.all(FILINGS, [person_id, day, day]) if away else []
        return fees, figures, policies, filings

    def write(self, statements: list[tuple[str, list[Any]]]) -> None:
        for sql, params in statements:
            self.cursor.execute(sql, params)

    def json(self, value: Any) -> Any:
        return json.dumps(value, ensure_ascii=False)


#: PostgreSQL: the four reads in one statement, each set as a JSON array
READ_ALL = (
    f"SELECT (SELECT json_agg(json_build_array({FEE_COLUMNS}) ORDER BY f.id){OPEN_FEES}),"  # noqa: S608
    f" {BALANCE_OF},"
    " y.*,"
    " (SELECT json_agg(json_build_array(id, division_id, valid_from) ORDER BY valid_from DESC)"
    " FROM settlement_policyset WHERE division_id = ANY(%s) AND valid_from <= %s),"
    " (SELECT json_agg(json_build_array(id, category, created_at, destination_id))"
    " FROM settlement_filing WHERE %s AND person_id = %s AND status = 'active'"
    " AND begin_date <= %s AND (end_date IS NULL OR end_date >= %s))"
    " FROM (SELECT COUNT(s.id), COALESCE(SUM(s.act_pay_dedc), 0), COALESCE(SUM(s.hifp_pay), 0),"
    " COALESCE(SUM(s.hifob_pay), 0), COALESCE(SUM(s.critical_base), 0),"
    " COALESCE(SUM(s.hifmi_pay), 0) FROM settlement_settlement s"
    " WHERE s.person_id = %s AND s.year = %s AND s.kind = %s AND s.status = 'settled') y"
)


def _dumps(value: Any) -> bytes:
    return orjson.dumps(value)  # UTF-8 (Chinese not as \uXXXX), several times faster than json


def _array(value: Any) -> list:
    if value is None:
        return []
    return json.loads(value, parse_float=Decimal) if isinstance(value, str) else value


class _Pipelined:
    """psycopg 3 on PostgreSQL: server-side binding, statements prepared on their second use,
    and a pipeline, so BEGIN travels with the lock and the writes with the COMMIT. The reads
    are one statement and the writes two (data-modifying WITH), to keep the per-statement
    cost — mostly in Python — down."""

    lock_suffix = " FOR UPDATE OF e, p"

    def __init__(self, pg: Any, pipeline: Any) -> None:
        import psycopg

        self.pg, self.pipeline = pg, pipeline
        self.cursor_class = psycopg.Cursor

    def one(self, sql: str, params: list[Any]) -> tuple | None:
        cursor = self.cursor_class(self.pg)
        cursor.execute(sql, params)
        return cursor.fetchone()

    def read(self, visit_id: int, person_id: int, year: int, kind: str, scope: list[str],
             day: Any, away: bool) -> Reads:  # fmt: skip
        row = self.one(READ_ALL, [visit_id, person_id, scope, day, away, person_id, day, day,
                                  person_id, year, kind])  # fmt: skip
        assert row is not None  # an aggregate over a derived table: always one row
        fees, balance, *figures, policies, filings = row
        return _array(fees), (balance, *figures), _array(policies), _array(filings)

    def write(self, statements: list[tuple[str, list[Any]]]) -> None:
        """Two statements: the settlement row, then the others as one (each but the last a
        WITH clause; all run, exactly once). Two, not one, so that neither has more than
        the 50 parameters psycopg caches the parsing of. Sent without waiting, they travel
        with the COMMIT, and any error (a duplicate msgid) is raised at the end of the block."""
        (settlement, settlement_params), *middle, last = statements
        self.cursor_class(self.pg).execute(settlement, settlement_params)
        clauses = [f"w{i} AS ({sql})" for i, (sql, _) in enumerate(middle)]
        params = [p for _, values in [*middle, last] for p in values]
        self.cursor_class(self.pg).execute(f"WITH {', '.join(clauses)} {last[0]}", params)

    def json(self, value: Any) -> Any:
        from psycopg.types.json import Jsonb

        return Jsonb(value, dumps=_dumps)


def _run_postgresql(env: Envelope, now: datetime | None = None) -> dict[str, Any]:
    connection.ensure_connection()
    pg = connection.connection
    if pg.prepare_threshold is None and prepared():
        pg.prepare_threshold = 1  # prepared at the second use on this connection
    with connection.wrap_database_errors, pg.pipeline() as pipeline, pg.transaction():
        # psycopg opens the transaction (or a savepoint inside a test's) and commits it
        # at the end of the block, in the same round trip as the writes
        return _run(env, _Pipelined(pg, pipeline), now)


def _run(
    env: Envelope, db: _Sequential | _Pipelined, now: datetime | None = None
) -> dict[str, Any]:
    data = node_of(env)
    found = db.one(LOCK + db.lock_suffix, [env.sign_no, env.fixmedins_code, text(data, "mdtrt_id")])
    if found is None:
        raise GiveUp
    (inst_id, inst_code, level, treatment, visit_id, mdtrt_id, kind, status, insutype,
     visit_emergency, med_type, person_id, id_number, name, insured, insurance_type,
     person_status) = found  # fmt: skip
    _check(env, data, treatment, kind, status, insutype, person_id, insured)
    now = now or timezone.now()
    local = beijing(now)
    on = local.date()
    scope = policy_scope(insured)
    away = not same_city(insured, treatment)
    fees, figures, policies, filing_rows = db.read(
        visit_id, person_id, on.year, kind, scope, _day(on), away
    )
    if not fees:
        raise GiveUp
    policy = policy_in_force(insured, on, policies, values=lambda pk: _values(db, pk))
    if policy is None:
        raise GiveUp
    emergency = bool(visit_emergency) or any(bool(f[8]) for f in fees)
    filing = None
    if away:
        candidates = [FilingRow(*f) for f in filing_rows]
        filing = covering(candidates, treatment, lambda f: f.destination_id)
    basis = basis_of(insured, treatment, emergency, filing)
    employee = insurance_type == "employee"
    facts = PersonFacts(
        insurance_type=insurance_type,
        retired=person_status == InsuredStatus.RETIRED,
        account_balance_fen=int(figures[0]) if employee else 0,
        use_account=text(data, "acct_used_flag", required=False) in ("", "1"),
    )
    ytd = YearToDate(
        admissions=int(figures[1]), deductible_fen=int(figures[2]), pool_paid_fen=int(figures[3]),
        large_paid_fen=int(figures[4]), critical_base_fen=int(figures[5]),
        critical_paid_fen=int(figures[6]),
    )  # fmt: skip
    lines = [_line(f) for f in fees]
    result = settle(lines, facts, Visit(kind=kind, level=level, basis=basis), policy, ytd)
    _compare(data, result)
    setl_id = new_id("S")
    visit = Row(pk=visit_id, mdtrt_id=mdtrt_id, med_type=med_type, kind=kind)
    person = Row(pk=person_id, id_number=id_number, name=name, insurance_type=insurance_type,
                 status=person_status, insured_division_id=insured)  # fmt: skip
    body = _answer(env, visit, person, result, setl_id, now, basis)
    emergency_row = basis == "emergency" or bool(visit_emergency)
    cross = insured[:2] != treatment[:2]
    ops = connection.ops
    settlement = [
        setl_id, visit_id, person_id, inst_id, filing.pk if filing else None, kind,
        SETTLEMENT_INITIAL.value,
        basis, level, emergency_row, cross, insured, treatment,
        ops.adapt_datetimefield_value(now), _day(on), on.year, env.msgid, "",
        ops.adapt_decimalfield_value(result.ratio, 5, 4), result.critical_base, len(fees),
        *(getattr(result, name) for name in AMOUNT_FIELDS),
        db.json([d.__dict__ for d in result.setldetail]),
        db.json([x.__dict__ for x in result.reasons]),
    ]  # fmt: skip
    writes: list[tuple[str, list[Any]]] = [
        (INSERT_SETTLEMENT, settlement),
        (LINK_FEES.format(ids=", ".join(["%s"] * len(fees))), [setl_id, *(f[0] for f in fees)]),
    ]
    if result.acct_pay:
        # medins' own posting statement; its promises are kept here: the balance it was
        # checked against was read under the person's row lock, which every posting takes
        writes.append(posting_statement(
            person_id=person_id, amount_fen=-result.acct_pay, kind=EntryKind.SETTLEMENT,
            reference=env.msgid, memo=setl_id, at=now,
        ))  # fmt: skip
    writes += [
        visit_settle_statement(visit_id=visit_id, source=status),
        (DAILY_UPSERT, daily_params(
            day=on, insured=insured, treatment=treatment, kind=kind, cross_province=cross,
            emergency=emergency_row, setl_id=setl_id, sign=1,
            medfee_fen=result.medfee_sumamt, fund_fen=result.fund_pay_sumamt,
        )),
        (STORE_ANSWER, [env.msgid, env.infno, inst_code, db.json(body),
                        ops.adapt_datetimefield_value(now), message_digest(env)]),
    ]  # fmt: skip
    db.write(writes)
    return body


def _values(db: _Sequential | _Pipelined, pk: int) -> Any:
    """A policy set's stored JSON (once per set and process: the parsed policy is cached)."""
    found = db.one('SELECT "values" FROM settlement_policyset WHERE id = %s', [pk])
    value = found[0] if found else None
    return json.loads(value) if isinstance(value, str) else value


def node_of(env: Envelope) -> dict[str, Any]:
    value = env.input.get("data")
    if not isinstance(value, dict):
        raise GiveUp
    return value


def _check(env: Envelope, data: dict[str, Any], treatment: str, kind: str, status: str,
           insutype: str, person_id: int, insured: str) -> None:  # fmt: skip
    """The ordinary handler's checks, in the same order; any failure → GiveUp."""
    if treatment[:4] != env.mdtrtarea_admvs[:4]:
        raise GiveUp
    psn_no = text(data, "psn_no")
    if not (psn_no.isascii() and psn_no.isdigit() and int(psn_no) == person_id):
        raise GiveUp
    area = env.insuplc_admdvs
    if not area or not insured.startswith(area.rstrip("0")[:6] or "x"):
        raise GiveUp
    if kind != KIND[env.infno]:
        raise GiveUp
    allowed = {EncounterStatus.OPEN, EncounterStatus.DISCHARGED}
    if kind == EncounterKind.INPATIENT:
        if text(data, "mid_setl_flag", required=False) not in ("", "0"):
            raise GiveUp
        allowed = {EncounterStatus.DISCHARGED}
    if status not in allowed or text(data, "insutype") != insutype:
        raise GiveUp


def _compare(data: dict[str, Any], result: Result) -> None:
    for name in ("medfee_sumamt", *CHECKED_ON_SETTLE):
        sent = amount(data, name, required=name == "medfee_sumamt")
        if sent is not None and sent != getattr(result, name):
            raise GiveUp


def _line(f: tuple) -> LineSplit:
    return LineSplit(
        sn=f[1], amount_fen=int(f[2]), fulamt_ownpay_fen=int(f[3]), overlmt_fen=int(f[4]),
        preselfpay_fen=int(f[5]), inscp_fen=int(f[6]), chrgitm_lv="",
        selfpay_prop=Decimal(str(f[7])), explanation_zh="", explanation_en="",
    )  # fmt: skip


def _day(on: date) -> Any:
    return connection.ops.adapt_datefield_value(on)


def _answer(env: Envelope, visit: Row, person: Row, result: Result, setl_id: str, now: datetime,
            basis: str) -> dict[str, Any]:  # fmt: skip
    from .handlers_settle import setldetail, setlinfo

    info = setlinfo(visit, result, setl_id=setl_id, msgid=env.msgid, when=now, person=person,
                    reasons=[x.__dict__ for x in result.reasons], basis=basis)  # fmt: skip
    rows = setldetail([d.__dict__ for d in result.setldetail])
    return answer(True, {"setlinfo": info, "setldetail": rows}, area=env.mdtrtarea_admvs)
