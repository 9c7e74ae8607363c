"""The monthly statistics equal the hand-computed figures of test_dashboard_world.py's
history, and the Excel report reads back with the same values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.factories import NANGUAN, NANLING, ZIQIANG, user_with
from tests.supervision.test_dashboard_world import build_history
from yimen.accounts.roles import Role
from yimen.assistance.models import ParameterSet
from yimen.supervision.excel import statistics_columns, statistics_values
from yimen.supervision.statistics import monthly_statistics

D = Decimal


@pytest.fixture
def history(tree):
    cases = build_history()
    ParameterSet.objects.create(
        division_id="220100000000",
        valid_from=date(2026, 1, 1),
        dibao_standard_urban=D("750.00"),
        dibao_standard_rural=D("600.00"),
        deposit_months=24,
        max_homes=1,
        allow_market_entity=False,
        disposable_income_last_year=D("36000.00"),
        source="test",
        created_by=user_with(Role.SYSTEM_ADMIN, "220000000000"),
    )
    return cases


def rows(stats):
    return {row.code: row for row in stats.rows}


def test_march(history):
    stats = monthly_statistics(NANGUAN, date(2026, 3, 1))
    nanling, ziqiang, total = rows(stats)[NANLING], rows(stats)[ZIQIANG], stats.total
    # on assistance in March: A (3 persons, 900) and G (2 persons, 500; revoked on 03-10,
    # so it stops from April)
    dibao = nanling.tally("dibao", "urban")
    assert (dibao.households, dibao.persons, dibao.amount) == (2, 5, D("1400.00"))
    assert nanling.tally("tekun", "rural").households == 0
    assert (nanling.approvals, nanling.refusals, nanling.stops) == (1, 0, 1)  # C; G revoked
    assert nanling.funds == D("1400.00") and nanling.average_benefit("dibao") == D("280.00")
    assert ziqiang.funds == D("0.00") and ziqiang.average_benefit("dibao") is None
    assert (total.approvals, total.refusals, total.stops, total.funds) == (1, 0, 1, D("1400.00"))
    assert (nanling.standard_urban, nanling.standard_rural) == (D("750.00"), D("600.00"))
    assert (total.standard_urban, total.standard_rural) == (D("750.00"), D("600.00"))


def test_may(history):
    stats = monthly_statistics(NANGUAN, date(2026, 5, 1))
    nanling, ziqiang, total = rows(stats)[NANLING], rows(stats)[ZIQIANG], stats.total
    assert (
        nanling.tally("dibao", "urban").households,
        nanling.tally("dibao", "urban").persons,
    ) == (1, 3)
    tekun = nanling.tally("tekun", "rural")
    assert (tekun.households, tekun.persons, tekun.amount) == (1, 1, D("1500.00"))
    rural = ziqiang.tally("dibao", "rural")
    assert (rural.households, rural.persons, rural.amount) == (1, 2, D("600.00"))
    assert total.funds == D("3000.00")
    assert total.of_type("dibao").persons == 5
    assert total.average_benefit("dibao") == D("300.00")  # (900 + 600) / 5
    assert total.average_benefit("dibao", "rural") == D("300.00")  # 600 / 2
    assert total.average_benefit("tekun") == D("1500.00")
    assert (total.approvals, total.refusals, total.stops) == (0, 0, 0)


def test_february_refusal_and_a_township(history):
    stats = monthly_statistics(NANGUAN, date(2026, 2, 1))
    assert (stats.total.approvals, stats.total.refusals) == (0, 1)
    assert stats.total.of_type("dibao").households == 2  # A (from Feb) and G
    village = monthly_statistics(NANLING, date(2026, 2, 1))
    assert [r.code for r in village.rows] == ["220102001001", "220102001002", NANLING]
    assert rows(village)["220102001002"].refusals == 1  # B, 恒安社区


def test_members_living_apart_are_not_counted(history):
    from yimen.assistance.models import Member

    a = history["A"].application
    Member.objects.filter(application=a, relationship="child").update(living_apart=True)
    stats = monthly_statistics(NANGUAN, date(2026, 5, 1))
    assert stats.total.tally("dibao", "urban").persons == 1


def test_without_parameters_the_standard_is_blank(tree):
    stats = monthly_statistics(NANGUAN, date(2026, 5, 1))
    assert stats.total.standard_urban is None and stats.total.funds == D("0.00")


def test_excel_reads_back(client, history):
    client.force_login(user_with(Role.COUNTY_SUPERVISOR, NANGUAN))
    response = client.get(f"/county/statistics/{NANGUAN}/excel/", {"month": "2026-05"})
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    sheet = book["2026-05"]
    header = [c.value for c in sheet[1]]
    assert header == [title for title, _ in statistics_columns()]
    stats = monthly_statistics(NANGUAN, date(2026, 5, 1))
    read = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(read) == len(stats.rows) == 3
    for got, row in zip(read, stats.rows, strict=True):
        for value, expected in zip(got, statistics_values(row), strict=True):
            if isinstance(expected, Decimal):
                assert D(str(value)).quantize(D("0.01")) == expected
            else:
                assert value == expected
    total = dict(zip(header, read[-1], strict=True))
    assert total[header[2 + 3 * 6 + 3]] == 3000  # funds in the month
    page = client.get(f"/county/statistics/{NANGUAN}/", {"month": "2026-05"})
    assert page.status_code == 200 and "3,000.00" in page.content.decode()


def test_bad_month(client, history):
    client.force_login(user_with(Role.COUNTY_SUPERVISOR, NANGUAN))
    assert (
        client.get(f"/county/statistics/{NANGUAN}/excel/", {"month": "2026-5x"}).status_code == 400
    )
    page = client.get(f"/county/statistics/{NANGUAN}/", {"month": "13-2026"})
    assert page.status_code == 200 and list(page.context["messages"])
