"""The case list's search and filters, and the rows it and its Excel export show.

Cases of every service are listed; a search by ID number, name or pinyin initials and the
type filter look at the people behind a case: the services that own such facts register
them (case_facts.py) and answer with a subquery of case ids. Every read starts from the
user's scope."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import division_q
from yimen.errors import YimenError
from yimen.id_sets import chunks
from yimen.people import mask_id
from yimen.regions.codes import Level
from yimen.regions.models import Division

from .case_facts import case_facts, kind_choices, kind_label
from .models import Case, Task
from .registry import all_processes, get_process
from .selectors import cases_filtered, cases_visible_to
from .states import CaseStatus, TaskStatus

MAX_QUERY = 50


def step_choices() -> list[tuple[str, str]]:
    """Every step of every process, as "process:step" with the process and step labels."""
    return [
        (f"{p.code}:{s.code}", f"{p.label} · {s.label}")
        for p in all_processes()
        for s in p.all_steps()
    ]


def village_choices(user) -> list[tuple[str, str]]:
    """Villages and communities in the user's case-reading area."""
    villages = Division.objects.filter(
        division_q(user, Action.CASE_VIEW, field="code"), level=Level.VILLAGE
    ).order_by("code")[:2000]
    return [(d.code, d.full_name or d.name) for d in villages]


@dataclass(frozen=True)
class CaseFilters:
    """What the case list was asked for; anything not understood is dropped, not refused
    (a stale bookmark shows the unfiltered list rather than an error)."""

    q: str = ""
    status: str = ""
    step: str = ""  # "process:step"
    village: str = ""
    kind: str = ""  # a kind of case a service names (an assistance type)
    overdue: bool = False

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> CaseFilters:
        step = params.get("step", "")
        return cls(
            q=" ".join(params.get("q", "").split())[:MAX_QUERY],
            status=params.get("status", "") if params.get("status") in CaseStatus.values else "",
            step=step if step in dict(step_choices()) else "",
            village=v if (v := params.get("village", "")).isdigit() and len(v) == 12 else "",
            kind=params.get("kind", "") if params.get("kind") in dict(kind_choices()) else "",
            overdue=params.get("overdue") == "1",
        )

    def query_string(self, **extra) -> str:
        """The filters as a query string, for the pager and the export link."""
        values = {
            "q": self.q,
            "status": self.status,
            "step": self.step,
            "village": self.village,
            "kind": self.kind,
            "overdue": "1" if self.overdue else "",
            **extra,
        }
        return urlencode({k: v for k, v in values.items() if v})

    def describe(self) -> list[str]:
        """The filters in words, for the export's notes."""
        lines = []
        if self.q:
            lines.append(_("Search: %(q)s") % {"q": self.q})
        if self.status:
            lines.append(_("Status: %(v)s") % {"v": CaseStatus(self.status).label})
        if self.step:
            lines.append(_("Waiting at: %(v)s") % {"v": dict(step_choices())[self.step]})
        if self.village:
            division = Division.objects.filter(pk=self.village).first()
            name = (division.full_name or division.name) if division else self.village
            lines.append(_("Village or community: %(v)s") % {"v": name})
        if self.kind:
            lines.append(_("Type: %(v)s") % {"v": kind_label(self.kind)})
        if self.overdue:
            lines.append(_("Overdue only"))
        return lines

    @property
    def active(self) -> bool:
        return bool(self.q or self.status or self.step or self.village or self.kind or self.overdue)


def search_cases(user, filters: CaseFilters, now: datetime) -> QuerySet[Case]:
    """The user's cases that match ``filters``, newest first."""
    process, _, step = filters.step.partition(":")
    cases = cases_filtered(
        cases_visible_to(user),
        status=filters.status,
        process=process,
        step=step,
        division_code=filters.village,
        overdue_at=now if filters.overdue else None,
    )
    if filters.q:
        found = Q(number__icontains=filters.q) | Q(title__icontains=filters.q)
        for facts in case_facts():
            found |= Q(pk__in=facts.matching(filters.q, ""))
        cases = cases.filter(found)
    if filters.kind:
        kind = Q(pk__in=[])
        for facts in case_facts():
            if filters.kind in dict(facts.kinds()):
                kind |= Q(pk__in=facts.matching("", filters.kind))
        cases = cases.filter(kind)
    return cases.order_by("-opened_at", "-pk")


@dataclass
class CaseRow:
    """A case as the list and the export show it: labels, never codes."""

    case: Case
    head_name: str = ""
    id_number: str = ""  # masked: lists are printed and exported
    kind: str = ""
    steps: list[str] = field(default_factory=list)
    due: datetime | None = None  # the earliest due date of its open steps
    overdue: bool = False


def case_rows(cases: Iterable[Case], now: datetime) -> list[CaseRow]:
    """Rows for ``cases``, with one query per thousand cases for the open steps and one
    for each service's heads of household."""
    rows: list[CaseRow] = []
    kinds = {code: str(label) for code, label in kind_choices()}
    for part in chunks(list(cases), 1000):
        by_id = {c.pk: CaseRow(c) for c in part}
        for facts in case_facts():
            for case_id, name, number, kind in facts.heads(list(by_id)):
                row = by_id[case_id]
                row.head_name, row.id_number = name, mask_id(number)
                row.kind = kinds.get(kind, "")
        open_tasks = Task.objects.filter(
            case_id__in=list(by_id), status=TaskStatus.OPEN
        ).values_list("case_id", "step", "due_at")
        for case_id, step, due in open_tasks.order_by("case_id", "stage", "pk"):
            row = by_id[case_id]
            try:
                row.steps.append(str(get_process(row.case.process).step(step).label))
            except (KeyError, YimenError):  # no longer declared: show the code, not a 500
                row.steps.append(step)
            if due is not None and (row.due is None or due < row.due):
                row.due = due
        for row in by_id.values():
            late = row.due is not None and row.due < now
            row.overdue = row.case.status == CaseStatus.ACTIVE and (
                late or (row.case.due_at is not None and row.case.due_at < now)
            )
            rows.append(row)
    return rows
