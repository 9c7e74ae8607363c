"""The survey sheet checked column-wise and written set-based: the column path accepts only
what the row-by-row checks accept (and types it the same), a good sheet writes every unit,
entry and audit event in one go, a re-import adds nothing, an unreadable file is refused
with nothing written."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook
from stdnum.cn import ric, uscc

from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.audit.verify import verify_chain
from yimen.subsidy.errors import ImportRefused, ImportUnreadable
from yimen.subsidy.models import Survey, Unit
from yimen.subsidy.services.survey import (
    IMPORT_COLUMNS,
    _frame_of,
    parse_rows,
    survey_import,
    village_codes,
)
from yimen.subsidy.survey_sheet import plain_frame, sheet_rows

from .conftest import OTHER_VILLAGE, TODAY, VILLAGE, id_for, make_scheme, uscc_for

pytestmark = pytest.mark.django_db


def sheet(rows) -> bytes:
    book = Workbook()
    ws = book.active
    ws.append(IMPORT_COLUMNS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ric_with(birth: str, serial: str = "123") -> str:
    body = f"220182{birth}{serial}"
    return body + ric.calc_check_digit(body + "0")


GOOD_RIC = ric_with("19700101")
GOOD_USCC = "91220182MA17QX8B5" + uscc.calc_check_digit("91220182MA17QX8B5")
BAD_RIC = GOOD_RIC[:17] + ("1" if GOOD_RIC[17] != "1" else "2")
BAD_USCC = GOOD_USCC[:17] + ("1" if GOOD_USCC[17] != "1" else "2")
FARM, COOP = "草食畜养殖场户", "养殖合作社"


def row(kind=FARM, name="王大山", identity=GOOD_RIC, village=VILLAGE, cattle="5", sheep=""):
    return [kind, name, identity, village, "联系人", "138", "农商行", "6221", cattle, sheep]


EDGES = {
    "plain household": row(),
    "wrong check digit": row(identity=BAD_RIC),
    "born in the future": row(identity=ric_with("20991231")),
    "not a date": row(identity=ric_with("19700230")),
    "year zero": row(identity=ric_with("00000101")),
    "born before 1900": row(identity=ric_with("18991231")),
    "spaces in the number": row(identity=GOOD_RIC[:6] + " " + GOOD_RIC[6:]),
    "lower-case x": row(identity=(ric_with("19700102", "11")).lower()),
    "cooperative": row(kind=COOP, identity=GOOD_USCC),
    "farm with a credit code": row(identity=GOOD_USCC),
    "cooperative with an ID number": row(kind=COOP, identity=GOOD_RIC),
    "credit code, wrong check": row(kind=COOP, identity=BAD_USCC),
    "credit code with a dash": row(kind=COOP, identity=GOOD_USCC[:8] + "-" + GOOD_USCC[8:]),
    "credit code with an I": row(kind=COOP, identity=GOOD_USCC[:9] + "I" + GOOD_USCC[10:]),
    "short village code": row(village=VILLAGE[:9]),
    "village of another county": row(village="220102001001"),
    "unknown type": row(kind="养猪场"),
    "no name": row(name=""),
    "head count 5.0": row(cattle="5.0"),
    "negative head count": row(cattle="-1"),
    "too many head": row(cattle="10000001"),
    "head count not a number": row(sheep="many"),
}


@pytest.mark.parametrize("label", list(EDGES))
def test_the_column_path_accepts_only_what_the_rows_accept(world, label):
    numbers, cells = sheet_rows(enumerate([IMPORT_COLUMNS, EDGES[label]], start=1))
    codes = village_codes(world.scheme)
    fast = plain_frame(
        cells, admitted=world.scheme.applicant_types, village_codes=codes, today=TODAY
    )
    good, bad = parse_rows(numbers, cells, scheme=world.scheme, today=TODAY, codes=codes)
    if fast is not None:
        assert not bad, label
        assert fast.to_dicts() == _frame_of(good).to_dicts(), label
    assert (
        (fast is not None)
        or bad
        or label
        in {
            "lower-case x",
            "spaces in the number",
            "head count 5.0",
            "born before 1900",
            "credit code with a dash",
        }
    )


def test_an_identity_twice_is_refused_on_both_paths(world):
    numbers, cells = sheet_rows(enumerate([IMPORT_COLUMNS, row(), row(name="另一人")], start=1))
    codes = village_codes(world.scheme)
    admitted = world.scheme.applicant_types
    assert plain_frame(cells, admitted=admitted, village_codes=codes, today=TODAY) is None
    _good, bad = parse_rows(numbers, cells, scheme=world.scheme, today=TODAY, codes=codes)
    assert [n for n, _ in bad] == [3]


def test_a_good_sheet_writes_units_entries_and_one_event_each(world):
    rows = [row(identity=id_for()) for _ in range(30)]
    rows += [
        row(kind=COOP, name=f"合作社{n}", identity=uscc_for(), village=OTHER_VILLAGE)
        for n in range(5)
    ]
    existing = world.unit(name="已登记")  # registered by hand: its record stays as it is
    rows.append(row(name="改名不改档", identity=existing.unit.identity))
    n = survey_import(
        scheme=world.scheme, data=sheet(rows), filename="s.xlsx", actor=world.surveyor, today=TODAY
    )
    assert n == 36
    assert Unit.objects.count() == 36 and Survey.objects.filter(scheme=world.scheme).count() == 36
    assert Unit.objects.get(pk=existing.unit.pk).name == "已登记"
    surveyed = AuditEvent.objects.filter(
        event_type=EventType.SUBSIDY_UNIT_SURVEYED, new__sheet="s.xlsx"
    )
    assert surveyed.count() == 35  # the unit already on the list keeps its one entry
    one = surveyed.first()
    assert one.actor_id == world.surveyor.pk and one.role == "subsidy_surveyor"
    assert one.subject_type == "subsidy.survey"
    assert AuditEvent.objects.filter(event_type=EventType.SUBSIDY_SURVEY_IMPORTED).count() == 1
    assert verify_chain().ok
    # the same sheet again: nothing new but the record of the import
    survey_import(
        scheme=world.scheme, data=sheet(rows), filename="s.xlsx", actor=world.surveyor, today=TODAY
    )
    assert Unit.objects.count() == 36 and Survey.objects.count() == 36
    assert surveyed.count() == 35
    # another scheme of the county: the same units, new entries, no new units
    other = make_scheme(world.scheme.division, code="YS2021")
    survey_import(
        scheme=other,
        data=sheet(rows),
        filename="t.xlsx",
        actor=world.surveyor,
        today=date(2021, 11, 1),
    )
    assert Unit.objects.count() == 36 and Survey.objects.filter(scheme=other).count() == 36


def test_a_bad_sheet_through_the_rows_writes_nothing(world):
    rows = [row(identity=id_for()) for _ in range(10)] + [row(identity=BAD_RIC)]
    with pytest.raises(ImportRefused) as refused:
        survey_import(
            scheme=world.scheme,
            data=sheet(rows),
            filename="s.xlsx",
            actor=world.surveyor,
            today=TODAY,
        )
    assert [n for n, _ in refused.value.rows] == [12]
    assert (
        not Unit.objects.exists()
        and not AuditEvent.objects.filter(event_type=EventType.SUBSIDY_UNIT_SURVEYED).exists()
    )


def test_a_file_that_is_not_a_workbook_is_refused(world, client):
    with pytest.raises(ImportUnreadable):
        survey_import(
            scheme=world.scheme,
            data=b"not a zip",
            filename="s.xlsx",
            actor=world.surveyor,
            today=TODAY,
        )
    client.force_login(world.surveyor)
    page = client.post(
        f"/subsidy/units/?scheme={world.scheme.pk}",
        {"file": io.BytesIO(b"%PDF-1.4 nope"), "scheme": world.scheme.pk},
        follow=True,
    )
    assert page.status_code == 200 and not Unit.objects.exists()
