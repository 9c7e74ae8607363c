"""Writing a checked survey sheet, set-based: one query for the identities already
registered, the new units and the survey entries inserted as frames (COPY on PostgreSQL),
one query back for their ids, and the audit appended in one batch — an event per unit
surveyed, as when the bureau enters one by hand, and one for the sheet. A sheet of
50,000 units is a handful of statements, not 50,000 round trips (bench/subsidy_survey.py).

One unit, one record: a unit already registered (by its identity, whatever the scheme)
is not created again, nor is its record changed by a sheet; a unit already on this
scheme's survey list keeps its entry."""

from __future__ import annotations

import json

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from yimen.audit.events import EventType
from yimen.audit.services import EventDraft, append_events, subject_of
from yimen.bulk_rows import insert_frame
from yimen.id_sets import IdSet

from ..models import Scheme, Survey, SurveyStatus, Unit

UNIT_COLUMNS = [
    "applicant_type",
    "name",
    "id_kind",
    "identity",
    "division_id",
    "contact_name",
    "phone",
    "bank_name",
    "card_number",
]


def unit_ids(identities: list[str]) -> dict[str, int]:
    """{identity: unit id} of the registered units among ``identities``, in one query
    (the list bound as one array or JSON parameter, whatever its length)."""
    if not identities:
        return {}
    quote = connection.ops.quote_name
    table = quote(Unit._meta.db_table)
    identity = quote(str(Unit._meta.get_field("identity").column))
    pk = quote(str(Unit._meta.pk.column))  # type: ignore[union-attr]
    param: list[str] | str
    if connection.vendor == "postgresql":
        where, param = "= ANY(%s)", identities
    else:
        where, param = "IN (SELECT value FROM json_each(%s))", json.dumps(identities)
    # names from the model's metadata, the values a bound parameter
    sql = f"SELECT {identity}, {pk} FROM {table} WHERE {identity} {where}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [param])
        return dict(cursor.fetchall())


@transaction.atomic
def survey_rows_write(
    *, scheme: Scheme, frame: pl.DataFrame, actor, role: str, filename: str
) -> int:
    """Write the checked rows (``survey.checked_sheet``) for ``scheme``: new units,
    survey entries of the units not yet on its list, and their audit. Returns the rows."""
    now = timezone.now()
    identities = frame["identity"].to_list()
    known = unit_ids(identities)
    fresh = frame.filter(~pl.col("identity").is_in(list(known)))
    insert_frame(Unit, fresh.select(UNIT_COLUMNS), {"address": "", "created_at": now})
    ids = unit_ids(identities) if fresh.height else known
    rows = frame.select("identity", "division_id", "cattle", "sheep").with_columns(
        pl.col("identity").replace_strict(ids, return_dtype=pl.Int64).alias("unit_id")
    )
    listed = set(
        Survey.objects.filter(scheme=scheme, unit_id__any_of=IdSet(list(ids.values())))
        .values_list("unit_id", flat=True)
        .order_by()
    )
    entries = rows.filter(~pl.col("unit_id").is_in(list(listed)))
    insert_frame(
        Survey,
        entries.select("unit_id", "cattle", "sheep"),
        {
            "scheme_id": scheme.pk,
            "status": SurveyStatus.SURVEYED.value,
            "note": "",
            "surveyed_by_id": actor.pk,
            "surveyed_at": now,
            "vet_note": "",
        },
    )
    new_units = set(fresh["identity"].to_list())
    survey_of = dict(
        Survey.objects.filter(
            scheme=scheme, unit_id__any_of=IdSet(entries["unit_id"].to_list())
        ).values_list("unit_id", "pk")
    )
    survey_type = Survey._meta.label_lower  # the subject type record_event gives a survey
    # two payloads shared by every event (the log normalises each object once): the entry
    # is the subject, its unit is on the entry, so the payload says only how it came
    payload = {
        True: {"new_unit": True, "sheet": filename[:100]},
        False: {"new_unit": False, "sheet": filename[:100]},
    }
    drafts = [
        EventDraft(
            event_type=EventType.SUBSIDY_UNIT_SURVEYED,
            subject_type=survey_type,
            subject_id=str(survey_of[unit_id]),
            actor=actor,
            role=role,
            division_code=division,
            new=payload[identity in new_units],
        )
        for identity, division, unit_id in entries.select(
            "identity", "division_id", "unit_id"
        ).iter_rows()
    ]
    drafts.append(
        EventDraft(
            event_type=EventType.SUBSIDY_SURVEY_IMPORTED,
            subject_type=subject_of(scheme)[0],
            subject_id=str(scheme.pk),
            actor=actor,
            role=role,
            division_code=scheme.division_id,
            new={
                "rows": frame.height,
                "new_units": fresh.height,
                "new_entries": entries.height,
                "file": filename[:100],
            },
        )
    )
    append_events(drafts)
    return frame.height
