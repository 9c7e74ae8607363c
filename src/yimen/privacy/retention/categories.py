"""What each retention category finds, what still needs it, and how it is erased.

The privacy app sits below the services, so their tables are looked up by label here (as
migrations do) rather than imported. Every step is set-based: one query finds a category's
candidates, one or two find those an open case still needs, and the erasure is a handful
of UPDATE or DELETE statements over the ids, never a loop of ORM saves per record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import BigIntegerField, CharField, Q, Value
from django.db.models.functions import Cast, Concat, LPad, TruncYear
from django.utils import timezone

from yimen.id_sets import IdSet

from .rules import Action

ANONYMISED_NAME = "已匿名"
_OPEN_EXAM_STATUSES = ("applied", "scheduled", "theory_passed")


def _model(app: str, name: str) -> type[models.Model] | None:
    try:
        return apps.get_model(app, name)
    except LookupError:
        return None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _anon_number(prefix: str = "ANON") -> Concat:
    """An 18-character stand-in for an ID number, unique per row (ANON + the row's id)."""
    return Concat(
        Value(prefix), LPad(Cast("pk", CharField()), 18 - len(prefix), Value("0")),
        output_field=CharField(),
    )  # fmt: skip


@dataclass(frozen=True)
class Category:
    """One kind of record with a retention rule; subclasses say how to find and erase it."""

    code: str
    record_type: str  # the type legal holds and the access log name these records by
    action: str

    def installed(self) -> bool:
        raise NotImplementedError

    def past(self, before: date) -> list[int]:
        """Ids of records whose retention period began before ``before`` (not yet erased)."""
        raise NotImplementedError

    def needed(self, ids: list[int]) -> set[int]:
        """Those of ``ids`` an open case (or the running work) still needs."""
        raise NotImplementedError

    def held(self, ids: list[int], holds: dict[str, set[int]]) -> set[int]:
        """Those of ``ids`` under a legal hold (``holds``: record type → held ids)."""
        return set(ids) & holds.get(self.record_type, set())

    def erase(self, ids: list[int]) -> int:
        """Remove or anonymise ``ids``; returns how many records were erased."""
        raise NotImplementedError


class _Applications(Category):
    """Assistance applications: anonymised, never deleted (the statistics of refusals and
    of the time taken need the rows; the people in them are erased)."""

    def installed(self) -> bool:
        return _model("assistance", "Application") is not None

    def _applications(self):
        return _model("assistance", "Application")._default_manager  # type: ignore[union-attr]

    def _not_done(self, query):
        done = _model("privacy", "RetentionDone")._default_manager.filter(  # type: ignore[union-attr]
            record_type=self.record_type
        )
        # the record ids are text (any record type); compared as numbers here
        return query.exclude(
            pk__in=done.annotate(number=Cast("record_id", BigIntegerField())).values("number")
        )

    def needed(self, ids: list[int]) -> set[int]:
        """An application is still needed when it is on the roster, or when one of its
        people is in an application that is open (a draft or an active case), which may
        be decided with the earlier one in view."""
        if not ids:
            return set()
        applications = self._applications()
        member = _model("assistance", "Member")._default_manager  # type: ignore[union-attr]
        open_numbers = member.filter(
            Q(application__status="draft") | Q(application__case__status="active")
        ).values("id_number_bidx")  # the same person by blind index (issue 23)
        needed = set(
            member.filter(application_id__any_of=IdSet(ids), id_number_bidx__in=open_numbers)
            .values_list("application_id", flat=True)
            .distinct()
        )
        beneficiary = _model("benefits", "Beneficiary")
        if beneficiary is not None:
            needed |= set(
                beneficiary._default_manager.filter(application_id__any_of=IdSet(ids)).values_list(
                    "application_id", flat=True
                )
            )
        needed |= set(
            applications.filter(pk__any_of=IdSet(ids), case__status="active").values_list(
                "pk", flat=True
            )
        )
        return needed

    def erase(self, ids: list[int]) -> int:
        if not ids:
            return 0
        chosen = IdSet(ids)
        member = _model("assistance", "Member")._default_manager  # type: ignore[union-attr]
        member.filter(application_id__any_of=chosen).update(
            name=ANONYMISED_NAME,
            id_number=_anon_number(),
            id_number_bidx=_anon_number(),  # no longer found by the old number
            birth_date=TruncYear("birth_date"),
            disability_kind="",
            disability_grade=None,
            serious_illness=False,
        )
        supporter = _model("assistance", "Supporter")
        if supporter is not None:
            supporter._default_manager.filter(application_id__any_of=chosen).update(
                name=ANONYMISED_NAME,
                id_number=_anon_number("ANOS"),
                id_number_bidx=_anon_number("ANOS"),
                birth_date=TruncYear("birth_date"),
                disability_kind="",
                disability_grade=None,
            )
        attachment = _model("assistance", "Attachment")
        if attachment is not None:
            files = attachment._default_manager.filter(application_id__any_of=chosen)
            for name in files.values_list("file", flat=True):
                if name:
                    default_storage.delete(name)
            files.delete()
        self._applications().filter(pk__any_of=chosen).update(
            address="",
            phone="",
            payment_bank="",
            payment_account="",
            payment_account_kind="",
            entrusted_name="",
            entrusted_id_number="",
            entrusted_relation="",
            reason="",
            discovery_note="",
            head_initials="",
            relative_note="",
            supporter_note="",
        )
        case = _model("workflow", "Case")
        if case is not None:  # a case's title names the head of household
            case._default_manager.filter(application__pk__any_of=chosen).update(
                title=ANONYMISED_NAME
            )
        done = _model("privacy", "RetentionDone")
        now = timezone.now()
        done._default_manager.bulk_create(  # type: ignore[union-attr]
            [
                done(
                    category=self.code, record_type=self.record_type, record_id=str(i), done_at=now
                )  # type: ignore[misc]
                for i in ids
            ],
            batch_size=2000,
        )
        return len(ids)


class RefusedApplications(_Applications):
    """Applications whose case closed as refused, counted from the day it closed."""

    def past(self, before: date) -> list[int]:
        query = self._applications().filter(
            case__status="rejected", case__closed_at__lt=_start_of(before)
        )
        return sorted(self._not_done(query).values_list("pk", flat=True))


class ClosedCases(_Applications):
    """Applications returned or withdrawn (from the day the case closed) and drafts the
    township discarded (from the day they were entered: a discarded draft records no
    closing day of its own)."""

    def past(self, before: date) -> list[int]:
        start = _start_of(before)
        query = self._applications().filter(
            Q(case__status__in=("returned", "withdrawn"), case__closed_at__lt=start)
            | Q(status="discarded", created_at__lt=start)
        )
        return sorted(self._not_done(query).values_list("pk", flat=True))


class PartnerBatches(Category):
    """Partner data batches (their Parquet files and import records), from their import."""

    def installed(self) -> bool:
        return _model("verification", "ImportBatch") is not None

    def _batches(self):
        return _model("verification", "ImportBatch")._default_manager  # type: ignore[union-attr]

    def past(self, before: date) -> list[int]:
        return sorted(
            self._batches().filter(imported_at__lt=_start_of(before)).values_list("pk", flat=True)
        )

    def needed(self, ids: list[int]) -> set[int]:
        """The newest batch of each source and partner is what the next run matches
        against; while a run is queued or running, it reads every batch."""
        if not ids:
            return set()
        run = _model("verification", "VerificationRun")
        if (
            run is not None
            and run._default_manager.filter(status__in=("queued", "running")).exists()
        ):
            return set(ids)
        newest: dict[tuple[str, str], tuple] = {}
        for pk, source, partner, at in self._batches().values_list(
            "pk", "source", "partner", "imported_at"
        ):
            key = (source, partner)
            if key not in newest or (at, pk) > newest[key]:
                newest[key] = (at, pk)
        return set(ids) & {pk for _, pk in newest.values()}

    def erase(self, ids: list[int]) -> int:
        if not ids:
            return 0
        batches = self._batches().filter(pk__any_of=IdSet(ids))
        for batch in batches:
            path = batch.full_path
            if path.exists():
                path.unlink()
        return batches.delete()[1].get("verification.ImportBatch", 0)


class ExamAnswers(Category):
    """The answers of exam papers, from the day the session started; the paper and its
    score stay (a certificate rests on them)."""

    def installed(self) -> bool:
        return _model("exams", "Answer") is not None

    def _papers(self):
        return _model("exams", "Paper")._default_manager  # type: ignore[union-attr]

    def past(self, before: date) -> list[int]:
        answers = _model("exams", "Answer")._default_manager  # type: ignore[union-attr]
        return sorted(
            answers.filter(paper__session__starts_at__lt=_start_of(before))
            .values_list("paper_id", flat=True)
            .distinct()
        )

    def needed(self, ids: list[int]) -> set[int]:
        """A paper whose application is still open (a retake or a practical to come)."""
        if not ids:
            return set()
        return set(
            self._papers()
            .filter(pk__any_of=IdSet(ids), application__status__in=_OPEN_EXAM_STATUSES)
            .values_list("pk", flat=True)
        )

    def held(self, ids: list[int], holds: dict[str, set[int]]) -> set[int]:
        held = set(ids) & holds.get(self.record_type, set())
        candidates = holds.get("exams.candidate", set())
        if candidates and ids:
            held |= set(
                self._papers()
                .filter(pk__any_of=IdSet(ids), application__candidate_id__in=candidates)
                .values_list("pk", flat=True)
            )
        return held

    def erase(self, ids: list[int]) -> int:
        if not ids:
            return 0
        answers = _model("exams", "Answer")._default_manager  # type: ignore[union-attr]
        answers.filter(paper_id__any_of=IdSet(ids)).delete()
        return len(ids)


CATEGORIES: tuple[Category, ...] = (
    RefusedApplications("refused_applications", "assistance.application", Action.ANONYMISE),
    ClosedCases("closed_cases", "assistance.application", Action.ANONYMISE),
    PartnerBatches("partner_batches", "verification.importbatch", Action.REMOVE),
    ExamAnswers("exam_answers", "exams.paper", Action.REMOVE),
)

#: the record types a legal hold may name (with the people, by ID number)
HOLDABLE_TYPES: tuple[str, ...] = (
    "assistance.application",
    "benefits.beneficiary",
    "exams.candidate",
    "exams.paper",
    "medins.transfer",
    "verification.importbatch",
)


def by_code(code: str) -> Category | None:
    return next((c for c in CATEGORIES if c.code == code), None)


def ids_of(values: Iterable[str]) -> set[int]:
    return {int(v) for v in values if str(v).isdigit()}
