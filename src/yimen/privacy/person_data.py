"""Everything the platform holds about one person, across the services, by ID number.

Used for a data-subject copy (PIPL Art. 45) and for legal holds on a person. The privacy
app sits below the services (services call it), so it names their tables by app label and
model name here and looks them up at run time, as migrations do; a service not installed
is left out. A test asks every source to resolve, so a renamed field fails there.

Each source lists its rows as label → value over the model's own columns, choices shown
by their labels; ``access`` names the record type the access log uses for the same rows,
so the copy can also say who looked at them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yimen.fieldcrypt.fields import BlindIndexField
from yimen.regions.models import Division

from . import recordsets
from .models import AccessEntry


@dataclass(frozen=True)
class Source:
    """One table that holds data about people, and how to find a person's rows in it."""

    app: str
    model: str
    lookup: str  # the filter on the ID number
    title: Promise
    access: tuple[str, str] | None = None  # (record type in the access log, field of its id)

    def model_class(self) -> type[models.Model] | None:
        try:
            return apps.get_model(self.app, self.model)
        except LookupError:
            return None


SOURCES: tuple[Source, ...] = (
    Source(
        "assistance",
        "Application",
        "members__id_number",
        _("Social assistance: applications of my household"),
        ("assistance.application", "pk"),
    ),
    Source("assistance", "Member", "id_number", _("Social assistance: household member")),
    Source("assistance", "Income", "member__id_number", _("Social assistance: incomes")),
    Source("assistance", "Supporter", "id_number", _("Social assistance: as a legal supporter")),
    Source(
        "benefits",
        "Beneficiary",
        "head_id_number",
        _("Roster of households on assistance"),
        ("benefits.beneficiary", "pk"),
    ),
    Source("medins", "InsuredPerson", "id_number", _("Medical insurance: insured person")),
    Source(
        "medins",
        "Transfer",
        "id_number",
        _("Medical insurance: transfers"),
        ("medins.transfer", "pk"),
    ),
    Source("settlement", "Filing", "person__id_number", _("Care away from home: filings")),
    Source("settlement", "Settlement", "person__id_number", _("Care away from home: settlements")),
    Source(
        "exams",
        "Candidate",
        "id_number",
        _("Safety exams: candidate"),
        ("exams.candidate", "pk"),
    ),
    Source("exams", "Application", "candidate__id_number", _("Safety exams: applications")),
    Source("subsidy", "Unit", "identity", _("Straw-to-meat subsidy: applicant unit")),
)

# Columns never copied out: secrets and the machinery of seals and hashes.
_SKIPPED = {"password", "seed", "info_seal", "items"}


@dataclass
class SourceRows:
    """The rows of one source about the person."""

    source: Source
    headers: list[str]
    rows: list[list[str]]
    pks: list[int] = field(default_factory=list)


@dataclass
class PersonData:
    """What the platform holds about one ID number."""

    id_number: str
    sections: list[SourceRows]
    accesses: list[AccessEntry]

    @property
    def record_count(self) -> int:
        return sum(len(s.rows) for s in self.sections)


def _display(instance: models.Model, column: models.Field) -> str:
    if column.is_relation and column.related_model is Division:
        division = getattr(instance, column.name)  # a name, not a 12-digit code
        return division.name if division is not None else ""
    if column.choices:
        value = getattr(instance, f"get_{column.name}_display")()
    else:
        value = getattr(instance, column.attname)
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if isinstance(value, bytes | memoryview):
        return ""
    return str(value)


def _columns(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in _SKIPPED
        and not isinstance(f, models.BinaryField | BlindIndexField)  # machinery, not data
    ]


def rows_of(source: Source, id_number: str) -> SourceRows | None:
    """The person's rows in one source (None when the service is not installed)."""
    model = source.model_class()
    if model is None:
        return None
    columns = _columns(model)
    found = model._default_manager.filter(**{source.lookup: id_number}).distinct().order_by("pk")
    rows, pks = [], []
    for instance in found:
        rows.append([_display(instance, c) for c in columns])
        pks.append(instance.pk)
    return SourceRows(source, [str(c.verbose_name) for c in columns], rows, pks)


def accesses_to(record_refs: dict[str, set[int]]) -> list[AccessEntry]:
    """Access-log entries that name any of the records (type → ids), oldest first: single
    records by index, exports by unpacking the sets of those record types."""
    found: list[AccessEntry] = []
    for record_type, ids in record_refs.items():
        if not ids:
            continue
        texts = [str(i) for i in ids]
        found.extend(AccessEntry.objects.filter(record_type=record_type, record_id__in=texts))
        sets = AccessEntry.objects.filter(record_type=record_type, record_id="").exclude(
            record_set=b""
        )
        for entry in sets.iterator(chunk_size=200):
            if ids & set(recordsets.unpack(bytes(entry.record_set))):
                found.append(entry)
    return sorted(found, key=lambda e: e.seq)


def person_data(id_number: str) -> PersonData:
    """Everything held about ``id_number``, source by source, with who looked at it."""
    sections: list[SourceRows] = []
    refs: dict[str, set[int]] = {}
    for source in SOURCES:
        found = rows_of(source, id_number)
        if found is None:
            continue
        sections.append(found)
        if source.access and found.pks:
            refs.setdefault(source.access[0], set()).update(found.pks)
    return PersonData(id_number=id_number, sections=sections, accesses=accesses_to(refs))


def record_refs_of(id_number: str) -> dict[str, set[int]]:
    """The records a person appears in, by the record types the access log and legal holds
    use (for holds placed on a person)."""
    refs: dict[str, set[int]] = {}
    for source in SOURCES:
        if source.access is None:
            continue
        found = rows_of(source, id_number)
        if found is not None and found.pks:
            refs.setdefault(source.access[0], set()).update(found.pks)
    return refs


def id_numbers_of_user(user: Any) -> list[str]:
    """The ID numbers a signed-in citizen is known by: the head of the households they
    applied for themselves and the exam candidate linked to their account."""
    numbers: set[str] = set()
    member = _model("assistance", "Member")
    if member is not None:
        numbers.update(
            member.objects.filter(application__applicant=user, relationship="head").values_list(
                "id_number", flat=True
            )
        )
    candidate = _model("exams", "Candidate")
    if candidate is not None:
        numbers.update(candidate.objects.filter(user=user).values_list("id_number", flat=True))
    return sorted(numbers)


def _model(app: str, name: str) -> Any:
    try:
        return apps.get_model(app, name)
    except LookupError:
        return None
