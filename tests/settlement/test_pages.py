"""Pages: counter and online filing, the institution registry, the indicators page and its
Excel export; indicators equal a recount of the settlements."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import TEST_PASSWORD, user_with
from tests.medins.helpers import insured
from yimen.accounts.roles import Role
from yimen.audit.models import AuditEvent
from yimen.medins.models import InsuredStatus
from yimen.privacy.models import AccessEntry
from yimen.regions.models import Division
from yimen.settlement.indicators import indicators, recount
from yimen.settlement.models import Filing, PersonLink, PolicySet
from yimen.settlement.rules.changchun import CHANGCHUN_2025

from .conftest import CHANGCHUN_HOSPITAL, Fsi
from .test_filing import _admit_and_bill


def login(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def test_counter_files_changes_and_cancels(client, world, employee):
    staff = login(client, user_with(Role.MEDINS_AGENCY, "220100"))
    page = staff.get("/settlement/filings/", {"id_number": employee.id_number})
    assert page.status_code == 200 and employee.name in page.content.decode()
    look = AccessEntry.objects.get()  # the person's filings shown in full (issue 23)
    assert (look.kind, look.record_type, look.record_id) == (
        "full_record",
        "medins.insuredperson",
        str(employee.pk),
    )
    form = {"category": "resident", "destination_province": "460000000000",
            "begin_date": "2026-03-01",
            "documents": ["identity", "form", "commitment"]}  # fmt: skip
    response = staff.post(f"/settlement/filings/person/{employee.pk}/", form)
    assert response.status_code == 302
    filing = Filing.objects.get()
    assert (filing.channel, filing.end_date) == ("counter", None)
    bad = staff.post(f"/settlement/filings/person/{employee.pk}/", {**form, "documents": ["form"]})
    assert bad.status_code == 400 and Filing.objects.count() == 1
    staff.post(f"/settlement/filings/{filing.serial}/change/",
               {"destination_province": "460000000000", "destination_city": "460100000000",
                "documents": ["identity", "form", "commitment"], "reason": "改为海口"})  # fmt: skip
    staff.post(f"/settlement/filings/{filing.serial}/cancel/", {"reason": "回长春"})
    filing.refresh_from_db()
    assert (filing.destination_id, filing.status) == ("460100000000", "cancelled")


def test_the_destination_is_picked_from_the_division_tree_with_date_inputs(client, world, employee):
    staff = login(client, user_with(Role.MEDINS_AGENCY, "220100"))
    page = staff.get("/settlement/filings/", {"id_number": employee.id_number})
    html = page.content.decode()
    form = html[html.index('id="filing-form"') :]
    province = re.search(r'<select name="destination_province"[^>]*>(.*?)</select>', form, re.S)
    city = re.search(r'<select name="destination_city"[^>]*>(.*?)</select>', form, re.S)
    assert province and city and 'name="destination_code"' not in html
    assert re.search(r'<option value="460000000000"[^>]*>海南省</option>', province.group(1))
    hainan = re.search(r'<optgroup label="海南省">(.*?)</optgroup>', city.group(1), re.S)
    assert hainan and "海口市" in hainan.group(1) and "长春市" not in hainan.group(1)
    for name in ("begin_date", "end_date"):
        assert re.search(rf'<input type="date" name="{name}"', form), name
    assert "settlement/filing.js" in html
    assert ">提交备案</button>" in form  # the action, not 文件 ("a file")


def test_a_city_outside_the_province_is_refused_and_nothing_written(client, world, employee):
    staff = login(client, user_with(Role.MEDINS_AGENCY, "220100"))
    form = {"category": "temporary_other", "destination_province": "460000000000",
            "destination_city": "220100000000", "begin_date": "2026-03-01",
            "documents": ["identity", "form"]}  # fmt: skip
    response = staff.post(f"/settlement/filings/person/{employee.pk}/", form)
    assert response.status_code == 400 and "不在所选省份" in response.content.decode()
    assert not Filing.objects.exists()
    empty = staff.post(
        f"/settlement/filings/person/{employee.pk}/", {**form, "destination_province": ""}
    )
    assert empty.status_code == 400 and not Filing.objects.exists()


def test_a_person_whose_insurance_is_stopped_cannot_file(client, world):
    stopped = insured(21, status=InsuredStatus.STOPPED, name="孙停保")
    staff = login(client, user_with(Role.MEDINS_AGENCY, "220100"))
    form = {"category": "temporary_other", "destination_province": "460000000000",
            "begin_date": "2026-03-01", "documents": ["identity", "form"]}  # fmt: skip
    page = staff.get("/settlement/filings/", {"id_number": stopped.id_number}).content.decode()
    assert 'id="insurance-stopped"' in page and 'id="filing-form"' not in page
    assert "恢复参保缴费前不能办理异地就医备案" in page
    url = f"/settlement/filings/person/{stopped.pk}/"  # a form posted anyway is refused
    chinese = staff.post(url, form).content.decode()
    assert "孙停保的医疗保险已中止" in chinese
    english = staff.post(url, form, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "孙停保's medical insurance is stopped" in english.replace("&#x27;", "'")
    assert not Filing.objects.exists()
    assert not AuditEvent.objects.filter(event_type="settlement.filed").exists()


def test_counter_outside_scope_and_without_role(client, world, employee):
    other = login(client, user_with(Role.MEDINS_AGENCY, "460100"))
    page = other.get("/settlement/filings/", {"id_number": employee.id_number})
    assert employee.name not in page.content.decode()
    assert other.post(f"/settlement/filings/person/{employee.pk}/", {}).status_code == 404
    login(client, user_with(Role.APPLICANT, "220102001001"))
    assert client.get("/settlement/filings/").status_code == 403


def test_online_filing_by_the_insured(client, world, employee):
    citizen = user_with(Role.APPLICANT, "220102001001")
    login(client, citizen)
    assert client.get("/settlement/my/filings/").status_code == 403
    PersonLink.objects.create(user=citizen, person=employee)
    assert client.get("/settlement/my/filings/").status_code == 200
    client.post("/settlement/my/filings/", {"category": "temporary_other",
                "destination_province": "460000000000", "destination_city": "460100000000",
                "begin_date": "2026-03-01", "documents": ["identity", "form"]})  # fmt: skip
    filing = Filing.objects.get()
    assert (filing.channel, filing.end_date) == ("online", date(2026, 9, 1))
    client.post(f"/settlement/my/filings/{filing.serial}/cancel/", {"reason": "不去了"})
    filing.refresh_from_db()
    assert filing.status == "cancelled"


@pytest.fixture
def flows(client, world, employee):
    """Three settlements: outbound cross-province (Changchun → Haikou), outbound cancelled,
    inbound in-province emergency (吉林市 → Changchun)."""
    Division.objects.create(
        code="220200000000", name="吉林市", level=2, parent=world["220000000000"]
    )
    PolicySet.objects.create(division_id="220000000000", valid_from=date(2025, 1, 1),
                             values=CHANGCHUN_2025, source="test: province fallback")  # fmt: skip
    haikou = Fsi(client, ("H46010000001", "海南省人民医院（演示）", "460100"))
    data = _admit_and_bill(haikou, employee)
    assert haikou.call("2304", {"data": data})["infcode"] == 0
    data = _admit_and_bill(haikou, employee)
    settled = haikou.call("2304", {"data": data})["output"]["setlinfo"]
    cancel = {"mdtrt_id": data["mdtrt_id"], "setl_id": settled["setl_id"], "psn_no": data["psn_no"]}
    assert haikou.call("2305", {"data": cancel})["infcode"] == 0
    jilin = insured(31, division="220200000000", status=InsuredStatus.CONTRIBUTING)
    changchun = Fsi(client, CHANGCHUN_HOSPITAL)
    data = _admit_and_bill(changchun, jilin, med_type="13")
    done = changchun.call("2304", {"data": data}, insuplc="220200")
    assert done["infcode"] == 0, done
    return done["output"]["setlinfo"]


def test_indicators_are_exact(flows):
    today = timezone.localdate()
    result = indicators("220100", today.replace(day=1), today)
    out, inn = result.outbound, result.inbound
    # outbound: one standing Haikou settlement (10,000.00; 8,800 × 85 % × 70 % = 5,236.00)
    assert (out.count, out.medfee_fen, out.fund_fen, out.cross_count) == (1, 1000000, 523600, 1)
    # inbound: the 吉林市 emergency at a level-3 city hospital: 9,300 × 88 % × 90 % = 7,365.60
    assert (inn.count, inn.fund_fen, inn.emergency_count) == (1, 736560, 1)
    assert (inn.in_province_emergency_count, inn.in_province_emergency_fund_fen) == (1, 736560)
    assert flows["fund_pay_sumamt"] == 7365.6
    assert recount("220100", today.replace(day=1), today) == (out, inn)
    province = indicators("220000", today.replace(day=1), today)
    assert province.outbound.count == 2  # both Jilin insured persons' away settlements


def test_indicator_page_and_export(client, flows):
    login(client, user_with(Role.CITY_VIEWER, "220100"))
    today = timezone.localdate().isoformat()
    query = {"start": today[:8] + "01", "end": today, "division": "220100"}
    page = client.get("/settlement/indicators/", query)
    html = page.content.decode()
    assert page.status_code == 200 and 'id="indicator-data"' in html
    assert "settlement/indicators.js" in html and "<script>" not in html
    book = load_workbook(BytesIO(client.get("/settlement/indicators.xlsx", query).content))
    values = [row for row in book["indicators"].iter_rows(values_only=True)]
    assert any(row[1] == 1 and row[2] == 1 for row in values if row and row[0])
    assert client.get("/settlement/indicators/", {**query, "division": "460100"}).status_code == 400
    assert client.get("/settlement/indicators/", {**query, "end": "2000-01-01"}).status_code == 400


def test_institution_registry_page(client, world):
    login(client, user_with(Role.MEDINS_AGENCY, "220100"))
    html = client.get("/settlement/institutions/").content.decode()
    assert "H22010200001" in html and "H46010000001" in html
