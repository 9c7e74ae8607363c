"""Pure rules of the exams, over plain values: eligibility with its reasons, the clocks,
scoring, the two-examiner rule, retakes, certificate numbers and the review window.

Each result carries reasons (code + message) so staff and the candidate see why."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from yimen.people import age_on
from yimen.workflow.calendar import add_working_days

PASS_MARK = Decimal("80")
MAX_ATTEMPTS = 2  # one retake, then retraining (T30 Art 13)
THEORY_VALID_MONTHS = 12  # a passed part stays valid this long (ZX Art 10)
REVIEW_WINDOW_DAYS = 60  # apply within 60 days before the due date (T30 Art 22)
REVIEW_TRAINING_HOURS = 8  # T30 Art 23
REVOCATION_BAR_YEARS = 3  # T30 Art 30 (secondary source)
EDUCATION_ORDER = ["primary", "junior", "senior", "college"]


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass
class Eligibility:
    reasons: list[Reason] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reasons


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (29 Feb → 28 Feb)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def eligibility(
    *,
    birth_date: date,
    education: str,
    health_checked_on: date | None,
    training_hours: int,
    on: date,
    category,
) -> Eligibility:
    """Whether a candidate may apply for ``category`` on ``on``, with every reason why not.

    ``category`` is any object with the Category fields (min_age, max_age, min_education,
    health_check, health_check_months, training_hours)."""
    result = Eligibility()
    age = age_on(birth_date, on)
    if age < category.min_age:
        result.reasons.append(
            Reason(
                "too_young",
                str(_("Age %(age)s is under %(min)s.") % {"age": age, "min": category.min_age}),
            )
        )
    if age >= category.max_age:
        result.reasons.append(
            Reason(
                "retired",
                str(
                    _("Age %(age)s has reached the retirement age %(max)s.")
                    % {"age": age, "max": category.max_age}
                ),
            )
        )
    if EDUCATION_ORDER.index(education) < EDUCATION_ORDER.index(category.min_education):
        from .models import Education

        result.reasons.append(
            Reason(
                "education",
                str(
                    _("Education below the required %(level)s.")
                    % {"level": Education(category.min_education).label}
                ),
            )
        )
    if category.health_check:
        if health_checked_on is None:
            result.reasons.append(Reason("no_health_check", str(_("No health certificate."))))
        elif add_months(health_checked_on, category.health_check_months) < on:
            result.reasons.append(
                Reason("old_health_check", str(_("The health certificate is out of date.")))
            )
    if training_hours < category.training_hours:
        result.reasons.append(
            Reason(
                "training",
                str(
                    _("%(hours)s training hours of the %(need)s required.")
                    % {"hours": training_hours, "need": category.training_hours}
                ),
            )
        )
    return result


def exam_due(applied_on: date, days: int = 60) -> date:
    """The last day the exam may be held: ``days`` calendar days after application."""
    return applied_on + timedelta(days=days)


def results_due(exam_day: date, working_days: int = 10) -> date:
    """Scores are published within ``working_days`` working days of the exam."""
    return add_working_days(exam_day, working_days)


def passed(score: Decimal | None) -> bool:
    return score is not None and score >= PASS_MARK


def theory_still_valid(passed_on: date | None, on: date) -> bool:
    """A passed theory part carries to the practical for 12 months."""
    return passed_on is not None and on <= add_months(passed_on, THEORY_VALID_MONTHS)


def may_retake(attempts: int) -> bool:
    return attempts < MAX_ATTEMPTS


def practical_score(marks: list[Decimal], margin: int) -> Decimal | None:
    """Two examiners' marks within ``margin`` average; further apart, a third examiner
    decides with the nearer of the two. None while a mark is still due."""
    if len(marks) < 2:
        return None
    a, b = marks[0], marks[1]
    if abs(a - b) <= margin:
        return (a + b) / 2
    if len(marks) < 3:
        return None
    c = marks[2]
    nearer = a if abs(a - c) <= abs(b - c) else b
    return (nearer + c) / 2


def needs_third_examiner(marks: list[Decimal], margin: int) -> bool:
    return len(marks) == 2 and abs(marks[0] - marks[1]) > margin


# --- papers ---------------------------------------------------------------------------


def paper_seed(ticket: str, bank_version: int) -> str:
    return hashlib.sha256(f"{ticket}:{bank_version}".encode()).hexdigest()[:32]


KINDS = ("tf", "single", "multiple")
#: a bank row: (id, type, option count) or (id, type, option count, tier, difficulty)
BankRow = tuple


def blueprint_cells(blueprint: dict) -> list[dict]:
    """The blueprint's finer counts inside a type — ``{"kind", "tier"?, "difficulty"?,
    "count"}`` — in a fixed order (the draw must not depend on how the JSON was written)."""
    cells = [c for c in blueprint.get("cells", []) if c.get("kind") in KINDS]
    return sorted(cells, key=lambda c: (c["kind"], str(c.get("tier")), c.get("difficulty") or 0))


def blueprint_problems(blueprint: dict) -> list[str]:
    """What is wrong with a blueprint (empty when it can be drawn from): counts are whole
    numbers, the cells of a type fit in the type's count."""
    problems = []
    for kind in KINDS:
        count = blueprint.get(kind, 0)
        if not isinstance(count, int) or count < 0:
            problems.append(kind)
            continue
        inside = sum(
            int(c.get("count", 0)) for c in blueprint_cells(blueprint) if c["kind"] == kind
        )
        if inside > count:
            problems.append(kind)
    return problems


def draw_paper(seed: str, bank: list[BankRow], blueprint: dict) -> list[dict]:
    """Draw a paper: for each question type in the blueprint its count of questions from
    ``bank``, first each of the blueprint's cells (so many provincial-tier, so many of
    difficulty 3 …), then the rest of the type from what is left; ordered by id so the
    same seed draws the same paper; options shuffled per question. Raises ValueError
    (naming the type) when the bank is too small."""
    return draw_from(seed, group_bank(bank), blueprint)


def group_bank(bank: list[BankRow]) -> dict[str, list[BankRow]]:
    """The bank by question type, each ordered by id (done once for many papers)."""
    pools: dict[str, list[BankRow]] = {}
    for row in sorted(bank):
        pools.setdefault(row[1], []).append(row)
    return pools


def _fits(row: BankRow, cell: dict) -> bool:
    tier = row[3] if len(row) > 3 else None
    difficulty = row[4] if len(row) > 4 else None
    return (cell.get("tier") in (None, tier)) and (cell.get("difficulty") in (None, difficulty))


def draw_from(seed: str, pools: dict[str, list[BankRow]], blueprint: dict) -> list[dict]:
    """``draw_paper`` over a bank already grouped by ``group_bank``: numpy's generator,
    seeded from ``seed``, picks the questions, shuffles each question's options and then
    the order of the questions (vectorised: a session's papers are drawn at sign-in).
    Without cells a type's questions are one draw from its whole pool."""
    import numpy as np

    rng = np.random.default_rng(int(hashlib.sha256(seed.encode()).hexdigest()[:16], 16))
    items: list[dict] = []
    cells = blueprint_cells(blueprint)
    for kind in sorted(k for k in blueprint if k in KINDS):
        pool = pools.get(kind, [])
        picked: list[BankRow] = []
        taken: set[int] = set()
        for cell in (c for c in cells if c["kind"] == kind):
            fitting = [r for r in pool if r[0] not in taken and _fits(r, cell)]
            size = int(cell["count"])
            if len(fitting) < size:
                raise ValueError(kind)
            chosen = [fitting[int(i)] for i in rng.choice(len(fitting), size=size, replace=False)]
            picked += chosen
            taken.update(r[0] for r in chosen)
        rest = [r for r in pool if r[0] not in taken] if taken else pool
        size = blueprint[kind] - len(picked)
        if size < 0 or len(rest) < size:
            raise ValueError(kind)
        picked += [rest[int(i)] for i in rng.choice(len(rest), size=size, replace=False)]
        width = max((r[2] for r in picked), default=0)
        ranks = np.argsort(rng.random((len(picked), width)), axis=1).tolist()
        for row, rank in zip(picked, ranks, strict=True):
            order = [i for i in rank if i < row[2]]
            items.append({"q": row[0], "k": row[1], "order": order})
    return [items[int(i)] for i in rng.permutation(len(items))]


def score_answers(
    items: list[dict], keys: dict[int, list[int]], chosen: dict[int, list[int]]
) -> Decimal:
    """Score out of 100: each item carries equal points; ``chosen`` maps position → shown
    option indexes, mapped back through the item's order; multiple choice all-or-nothing."""
    if not items:
        return Decimal("0")
    right = 0
    for position, item in enumerate(items):
        shown = chosen.get(position)
        if shown is None:
            continue
        original = sorted(item["order"][i] for i in shown if 0 <= i < len(item["order"]))
        if original == sorted(keys[item["q"]]):
            right += 1
    return (Decimal(100) * right / len(items)).quantize(Decimal("0.1"))


# --- certificates ---------------------------------------------------------------------


def key_masks(keys: dict[int, list[int]]) -> dict[int, int]:
    """Each question's key as a bit mask of original option indexes."""
    return {q: sum(1 << i for i in key) for q, key in keys.items()}


def pack_order(order: list[int]) -> int:
    """A shown→original option order as one integer, two bits per shown option."""
    return sum(o << (2 * i) for i, o in enumerate(order))


def score_batch(qids, packed_orders, chosen, masks: dict[int, int]):
    """Scores of many papers at once (numpy): ``qids`` (papers × items) question ids,
    ``packed_orders`` (papers × items) orders packed by ``pack_order``, ``chosen``
    (papers × items) bit masks of the shown options chosen (0: unanswered). The same
    result as ``score_answers`` paper by paper, for a whole session's papers."""
    import numpy as np

    qids = np.asarray(qids, dtype=np.int64)
    packed = np.asarray(packed_orders, dtype=np.int64)
    chosen = np.asarray(chosen, dtype=np.int64)
    lookup = np.zeros(int(qids.max()) + 1, dtype=np.int64)
    for q, m in masks.items():
        if q < len(lookup):
            lookup[q] = m
    original = np.zeros_like(chosen)
    for i in range(4):
        original |= ((chosen >> i) & 1) << ((packed >> (2 * i)) & 3)
    right = ((original == lookup[qids]) & (chosen != 0)).sum(axis=1)
    return np.round(100.0 * right / qids.shape[1], 1)


def certificate_number(post: str, id_number: str, serial: int) -> str:
    """Special operators: "T" + the 18-character ID number (the national form). The
    principal/manager number format is NOT FOUND: "A" + year-free serial is our placeholder."""
    if post == "special_operator":
        return "T" + id_number
    return f"A{serial:010d}"


def review_due(issued_on: date, review_years: int, validity_years: int) -> date:
    """The next review (复审) date; without periodic review the expiry."""
    return add_years(issued_on, review_years or validity_years)


def review_window_opens(due_on: date) -> date:
    return due_on - timedelta(days=REVIEW_WINDOW_DAYS)


def in_review_window(due_on: date, on: date) -> bool:
    return review_window_opens(due_on) <= on <= due_on


def review_refusals(
    *,
    health_ok: bool,
    violations: int,
    serious_violation: bool,
    penalised: bool,
    obstructed: bool,
    training_hours: int,
    exam_score: Decimal | None,
) -> list[Reason]:
    """The reasons a review is refused (T30 Art 25); the review exam has no retake."""
    out: list[Reason] = []
    if not health_ok:
        out.append(Reason("health", str(_("Failed health check."))))
    if serious_violation or violations >= 2:
        out.append(Reason("violations", str(_("Serious or repeated violations."))))
    if penalised:
        out.append(Reason("penalised", str(_("Administrative penalty for a safety violation."))))
    if obstructed:
        out.append(Reason("obstructed", str(_("Obstructed inspection."))))
    if training_hours < REVIEW_TRAINING_HOURS:
        out.append(Reason("training", str(_("Less than 8 hours of review training."))))
    if not passed(exam_score):
        out.append(Reason("exam", str(_("Review exam not passed."))))
    return out


def verification_state(
    status: str, valid_until: date | None, review_due_on: date | None, on: date
) -> str:
    """What the public verification page says: valid / due_review / expired / revoked."""
    if status == "revoked":
        return "revoked"
    if status != "valid" or valid_until is None or valid_until < on:
        return "expired"
    if review_due_on is not None and review_due_on < on:
        return "expired"
    if review_due_on is not None and in_review_window(review_due_on, on):
        return "due_review"
    return "valid"
