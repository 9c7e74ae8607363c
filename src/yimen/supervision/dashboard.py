"""The county's supervision dashboard: per child division (townships of a county, counties
of a city) the cases by status, the overdue ones, the approval rate and the median days
from acceptance to decision; and households and funds per month and assistance type.

Every figure is an aggregate computed in the database — GROUP BY on the child's code
prefix; for the median an hourly histogram, then only the middle hour's durations — so the
cost grows with the rows the database scans, not with Python loops over cases. Decisions
are read from the read model (models/facts.py), cases from workflow.Case. Each query is
one function below so the benchmark (bench/county_dashboard.py) can time it on its own."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
)

from yimen.assistance.facts import facts_sync
from yimen.assistance.models import DecisionFact
from yimen.assistance.process import ASSISTANCE_PROCESS
from yimen.workflow.models import Case, Task
from yimen.workflow.states import CaseStatus, TaskStatus

from .areas import Period, area_q, child_key, child_length, children_of, key_to_code
from .funds import FundRow, funds_by_month

TOTAL = ""  # the key of the whole area's row
ONE_DAY = Decimal(86400)


@dataclass
class AreaRow:
    """One row of the dashboard table: a child division, or the whole area (code TOTAL)."""

    code: str
    name: str
    by_status: dict[str, int] = field(default_factory=dict)
    active: int = 0
    overdue: int = 0  # past the target, or with an overdue step (as the county case list)
    past_limit: int = 0  # past the statutory limit
    decided: int = 0
    approved: int = 0
    median_days: Decimal | None = None

    @property
    def opened(self) -> int:
        return sum(self.by_status.values())

    @property
    def refused(self) -> int:
        return self.decided - self.approved

    @property
    def approval_rate(self) -> Decimal | None:
        """Approved decisions over all decisions, in percent with one decimal."""
        if not self.decided:
            return None
        rate = Decimal(self.approved * 100) / Decimal(self.decided)
        return rate.quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Dashboard:
    code: str
    period: Period
    rows: list[AreaRow]  # children first, the whole area last
    funds: list[FundRow]
    funds_paid: bool = False  # from the issued rolls, not the decisions (funds.py)

    @property
    def total(self) -> AreaRow:
        return self.rows[-1]


def _assist_cases(code: str):
    return Case.objects.filter(area_q(code), process=ASSISTANCE_PROCESS.code)


# --- the queries (one function each, timed by the benchmark) ------------------------------


def status_counts(code: str, period: Period) -> dict[str, dict[str, int]]:
    """Cases opened in the period, by child and current status."""
    found: dict[str, dict[str, int]] = defaultdict(dict)
    rows = (
        _assist_cases(code)
        .filter(opened_at__gte=period.start, opened_at__lt=period.end)
        .annotate(key=child_key(code))
        .values("key", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        found[row["key"]][row["status"]] = row["n"]
    return found


def overdue_counts(code: str, now: datetime) -> dict[str, dict[str, int]]:
    """Cases in progress now (whenever opened), by child: all, overdue, past the limit."""
    late_step = Task.objects.filter(case_id=OuterRef("pk"), status=TaskStatus.OPEN, due_at__lt=now)
    rows = (
        _assist_cases(code)
        .filter(status=CaseStatus.ACTIVE)
        .annotate(key=child_key(code))
        .values("key")
        .annotate(
            active=Count("pk"),
            overdue=Count("pk", filter=Q(due_at__lt=now) | Q(Exists(late_step))),
            past_limit=Count("pk", filter=Q(limit_at__lt=now)),
        )
        .order_by()
    )
    return {r["key"]: r for r in rows}


def _decisions(code: str, period: Period):
    return DecisionFact.objects.filter(
        area_q(code, "division_code"),
        decided_at__gte=period.start,
        decided_at__lt=period.end,
    )


def decision_counts(code: str, period: Period) -> dict[str, dict[str, int]]:
    """Decisions taken in the period, by child: all and approved."""
    rows = (
        _decisions(code, period)
        .annotate(key=child_key(code, "division_code"))
        .values("key")
        .annotate(decided=Count("pk"), approved=Count("pk", filter=Q(approved=True)))
        .order_by()
    )
    return {r["key"]: r for r in rows}


BUCKET = 3600  # seconds: the histogram's resolution for the median (one hour)


def median_days(code: str, period: Period, *, by_child: bool = True) -> dict[str, Decimal]:
    """Median days from acceptance to decision for decisions in the period, per child (or
    for the whole area with ``by_child=False``). Exact, without sorting every row:

    1. one GROUP BY counts the decisions per child and per hour of duration (a histogram
       of a few hundred rows per child);
    2. the middle rank(s) of each child fall in a known hour; a second query returns only
       the durations in those hours, and Python picks the middle value(s) there.

    (A window over every row was measured at 0.3–0.5 s for 200,000 decisions on
    PostgreSQL, most of it the sort; this takes two aggregate scans.) Acceptance is the
    moment the acceptance step was completed as accepted (the clock's start, limits.py);
    an even count averages the two middle values."""
    key = child_key(code, "division_code") if by_child else Value(TOTAL)
    hour = ExpressionWrapper(F("seconds_to_decide") / BUCKET, output_field=IntegerField())
    timed = _decisions(code, period).filter(seconds_to_decide__isnull=False)
    counts: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for row in (
        timed.annotate(key=key, hour=hour)
        .values("key", "hour")
        .annotate(n=Count("pk"))
        .order_by("key", "hour")
    ):
        counts[row["key"]].append((row["hour"], row["n"]))
    wanted: dict[tuple[str, int], list[int]] = defaultdict(list)  # (child, hour) → offsets
    for child, hours in counts.items():
        total = sum(n for _, n in hours)
        for rank in sorted({(total + 1) // 2, (total + 2) // 2}):  # 1-based middle rank(s)
            seen = 0
            for bucket, n in hours:
                if seen + n >= rank:
                    wanted[(child, bucket)].append(rank - seen - 1)
                    break
                seen += n
    if not wanted:
        return {}
    pick = Q()
    for child, bucket in wanted:
        pick |= Q(key=child, hour=bucket)
    values: dict[tuple[str, int], list[int]] = defaultdict(list)
    for child, bucket, seconds in (
        timed.annotate(key=key, hour=hour)
        .filter(pick)
        .values_list("key", "hour", "seconds_to_decide")
        .order_by()
    ):
        values[(child, bucket)].append(seconds)
    middles: dict[str, list[int]] = defaultdict(list)
    for (child, bucket), offsets in wanted.items():
        ordered = sorted(values[(child, bucket)])
        middles[child] += [ordered[i] for i in offsets]
    return {
        child: (Decimal(sum(v)) / len(v) / ONE_DAY).quantize(Decimal("0.1"), ROUND_HALF_UP)
        for child, v in middles.items()
    }


# --- the dashboard ------------------------------------------------------------------------


def dashboard(code: str, period: Period, now: datetime) -> Dashboard:
    """Every figure of the dashboard of ``code`` for ``period`` (``now`` for overdue)."""
    facts_sync()
    statuses = status_counts(code, period)
    overdue = overdue_counts(code, now)
    decisions = decision_counts(code, period)
    medians = median_days(code, period)
    whole_median = median_days(code, period, by_child=False).get(TOTAL)
    n = child_length(code)
    children = [(c.code, c.name) for c in children_of(code)]
    # a case filed under a code missing from the tree still counts, under its own code
    known = {full[:n] for full, _ in children}
    extra = sorted({*statuses, *overdue, *decisions} - known)
    children += [(key_to_code(k), key_to_code(k)) for k in extra]
    rows = []
    for full, name in children:
        key = full[:n]
        late = overdue.get(key, {})
        decided = decisions.get(key, {})
        rows.append(
            AreaRow(
                code=full,
                name=name,
                by_status=dict(statuses.get(key, {})),
                active=late.get("active", 0),
                overdue=late.get("overdue", 0),
                past_limit=late.get("past_limit", 0),
                decided=decided.get("decided", 0),
                approved=decided.get("approved", 0),
                median_days=medians.get(key),
            )
        )
    total = AreaRow(code=code, name="", median_days=whole_median)
    for row in rows:
        for status, n in row.by_status.items():
            total.by_status[status] = total.by_status.get(status, 0) + n
        total.active += row.active
        total.overdue += row.overdue
        total.past_limit += row.past_limit
        total.decided += row.decided
        total.approved += row.approved
    rows.append(total)
    funds, paid = funds_by_month(code, period.first, period.last)
    return Dashboard(code=code, period=period, rows=rows, funds=funds, funds_paid=paid)
