"""The dashboard and statistics pages: who may see which area, the numbers on the page,
and the Excel files reading back with the same values."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.factories import NANGUAN, NANLING, ZIQIANG, user_with
from tests.supervision.test_dashboard_world import build_history
from yimen.accounts.roles import Role

KUANCHENG = "220103000000"
CITY = "220100000000"
# the history's cases of 2026 are overdue only when today is after their deadlines
pytestmark = pytest.mark.usefixtures("pinned_clock")


@pytest.fixture
def history(tree):
    return build_history()


@pytest.fixture
def supervisor(tree):
    return user_with(Role.COUNTY_SUPERVISOR, NANGUAN, full_name="黄志强")


def test_supervisor_lands_on_the_county(client, supervisor, history):
    client.force_login(supervisor)
    response = client.get("/county/dashboard/", {"from": "2026-01", "to": "2026-06"})
    assert response.status_code == 200
    assert response.context["area"].code == NANGUAN
    body = response.content.decode()
    assert 'id="chart-households"' in body and "vendor/echarts.min.js" in body
    assert 'id="dashboard-data"' in body and "<script>" not in body  # no inline script
    assert f"/county/dashboard/{NANLING}/" in body  # drill into a township
    total = response.context["board"].total
    assert (total.opened, total.overdue, total.approval_rate) == (7, 3, Decimal("75.0"))


def test_supervisor_drills_into_a_township(client, supervisor, history):
    client.force_login(supervisor)
    response = client.get(f"/county/dashboard/{ZIQIANG}/", {"from": "2026-01", "to": "2026-06"})
    assert response.status_code == 200
    assert response.context["board"].total.decided == 1
    assert f"/county/dashboard/{NANGUAN}/" in response.content.decode()  # back up


@pytest.mark.parametrize(
    ("role", "home", "forbidden"),
    [
        (Role.COUNTY_SUPERVISOR, KUANCHENG, NANGUAN),  # another county
        (Role.TOWNSHIP_CASEWORKER, NANLING, NANGUAN),  # its county
        (Role.TOWNSHIP_CASEWORKER, NANLING, ZIQIANG),  # a neighbouring township
        (Role.TOWNSHIP_APPROVER, ZIQIANG, NANLING),
        (Role.COUNTY_SUPERVISOR, NANGUAN, CITY),  # up the tree
    ],
)
def test_outside_the_area_is_404(client, history, role, home, forbidden):
    client.force_login(user_with(role, home))
    for url in (
        f"/county/dashboard/{forbidden}/",
        f"/county/dashboard/{forbidden}/excel/",
        f"/county/statistics/{forbidden}/",
        f"/county/statistics/{forbidden}/excel/?month=2026-03",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/county/dashboard/{home}/").status_code == 200


def test_township_sees_its_own_township(client, history):
    client.force_login(user_with(Role.TOWNSHIP_CASEWORKER, NANLING))
    response = client.get("/county/dashboard/", {"from": "2026-01", "to": "2026-06"})
    assert response.context["area"].code == NANLING
    assert response.context["board"].total.decided == 3


def test_city_viewer_sees_the_counties(client, history):
    client.force_login(user_with(Role.CITY_VIEWER, CITY))
    response = client.get("/county/dashboard/", {"from": "2026-01", "to": "2026-06"})
    assert response.context["area"].code == CITY
    codes = [r.code for r in response.context["board"].rows]
    assert codes == [NANGUAN, KUANCHENG, "220182000000", CITY]  # 榆树市 too
    assert client.get(f"/county/dashboard/{NANGUAN}/").status_code == 200


def test_no_statistics_role_no_dashboard(client, history):
    client.force_login(user_with(Role.VILLAGE_STAFF, "220102001001"))
    assert client.get("/county/dashboard/").status_code == 404
    client.logout()
    assert client.get("/county/dashboard/").status_code == 302


@pytest.mark.parametrize("code", ["abc", "2201", "22010200000x", "999999999999"])
def test_bad_codes_are_404(client, supervisor, code):
    client.force_login(supervisor)
    assert client.get(f"/county/dashboard/{code}/").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2026-13"},
        {"to": "x"},
        {"from": "2026-06", "to": "2026-01"},
        {"from": "2020-01", "to": "2026-01"},
    ],
)
def test_bad_period_is_a_message_or_400(client, supervisor, history, query):
    client.force_login(supervisor)
    page = client.get(f"/county/dashboard/{NANGUAN}/", query)
    assert page.status_code == 200
    assert [m.level_tag for m in page.context["messages"]] == ["error"]
    assert client.get(f"/county/dashboard/{NANGUAN}/excel/", query).status_code == 400
    english = client.get(f"/county/dashboard/{NANGUAN}/excel/", query, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400


def read(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(
        BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )


def test_dashboard_excel_reads_back_the_page_numbers(client, supervisor, history):
    client.force_login(supervisor)
    query = {"from": "2026-01", "to": "2026-06"}
    board = client.get(f"/county/dashboard/{NANGUAN}/", query).context["board"]
    book = read(client.get(f"/county/dashboard/{NANGUAN}/excel/", query))
    cases, funds = book.worksheets[0], book.worksheets[1]
    rows = list(cases.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [NANLING, ZIQIANG, NANGUAN]
    for sheet_row, row in zip(rows, board.rows, strict=True):
        assert sheet_row[2] == row.opened
        assert sheet_row[-8:-5] == (row.active, row.overdue, row.past_limit)
        assert sheet_row[-5:-2] == (row.decided, row.approved, row.refused)
        rate, median = sheet_row[-2:]
        assert (None if rate is None else Decimal(str(rate))) == row.approval_rate
        assert (None if median is None else Decimal(str(median))) == row.median_days
    assert rows[-1][2] == 7 and Decimal(str(rows[-1][-2])) == Decimal("75.0")
    fund_rows = list(funds.iter_rows(min_row=2, values_only=True))
    assert len(fund_rows) == len(board.funds) == 9
    for sheet_row, fund in zip(fund_rows, board.funds, strict=True):
        assert sheet_row[0] == f"{fund.month:%Y-%m}"
        assert sheet_row[2] == fund.households
        assert Decimal(str(sheet_row[3])).quantize(Decimal("0.01")) == fund.amount


def test_the_county_case_list_links_the_new_pages(client, supervisor, history):
    client.force_login(supervisor)
    body = client.get("/county/cases/").content.decode()
    for url in ("/county/dashboard/", "/county/statistics/", "/county/samples/"):
        assert f'href="{url}"' in body
        assert client.get(url).status_code == 200, url
