"""The pages over HTTP, by role: the field person's phone pages (my cases, arrival, the
verification form with photos), the township's signature, the county's read-only view,
imports refused with their row numbers, the map's data, reports as Excel and PDF, the
accountability forms — and scoping that fails closed (404 outside one's area)."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.burning.conftest import centre, firms, jpeg, utc
from yimen.burning import synthetic
from yimen.burning.models import CaseStatus, Detection, FireCase, Summons, Unit
from yimen.burning.services.fires import fires_import

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case(burning_world) -> FireCase:
    lon, lat = centre(burning_world.grid)
    fires_import(
        data=firms([(lon, lat, utc(2026, 12, 7, 1), "n")]),
        filename="f.csv",
        actor=burning_world.county,
    )
    return FireCase.objects.get()


def test_the_grid_head_arrives_verifies_with_a_photo_and_the_township_signs(burning_world, case):
    w = burning_world
    phone = as_user(w.grid_head)
    mine = phone.get("/burning/mine/").content.decode()
    assert case.number in mine and f'id="arrive-{case.pk}"' in mine
    assert phone.post(f"/burning/cases/{case.pk}/arrive/").status_code == 302
    form = phone.get(f"/burning/cases/{case.pk}/verify/")
    assert "geolocation=(self)" in form["Permissions-Policy"]
    assert 'capture="environment"' in form.content.decode()
    photo = SimpleUploadedFile("site.jpg", jpeg(case.longitude, case.latitude), "image/jpeg")
    answer = phone.post(
        f"/burning/cases/{case.pk}/verify/",
        {
            "outcome": "straw_fire",
            "burnt_area_m2": "700",
            "responsible_party": "村民王某",
            "handling": "当场扑灭",
            "photos": [photo],
            "device_lon": "",
            "device_lat": "",
        },
    )
    assert answer.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.VERIFIED and case.burnt_area_m2 == 700
    page = phone.get(f"/burning/cases/{case.pk}/").content.decode()
    assert 'id="close-case"' not in page  # the grid head does not sign
    photo_url = f"/burning/photos/{case.verifications.get().photos.get().pk}/"
    assert phone.get(photo_url)["Content-Type"] == "image/jpeg"
    town = as_user(w.township)
    assert 'id="close-case"' in town.get(f"/burning/cases/{case.pk}/").content.decode()
    assert town.post(f"/burning/cases/{case.pk}/close/", {"note": "办结"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_by == w.township


def test_a_verification_without_a_photo_is_refused_on_the_page(burning_world, case):
    phone = as_user(burning_world.grid_head)
    answer = phone.post(f"/burning/cases/{case.pk}/verify/", {"outcome": "false", "reason": "误报"})
    assert answer.status_code == 200 and "至少上传一张现场照片" in answer.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED


def test_the_county_reads_but_never_verifies_or_closes(burning_world, case):
    county = as_user(burning_world.county)
    page = county.get(f"/burning/cases/{case.pk}/").content.decode()
    assert case.number in page
    assert 'id="verify"' not in page and 'id="arrive"' not in page and 'id="close-case"' not in page
    assert county.post(f"/burning/cases/{case.pk}/arrive/").status_code == 404
    assert county.get(f"/burning/cases/{case.pk}/verify/").status_code == 404
    assert county.post(f"/burning/cases/{case.pk}/close/").status_code == 404


@pytest.mark.parametrize("who", ["other_township", "yushu"])
def test_outside_the_area_every_page_of_the_case_is_not_found(burning_world, case, who):
    outsider = as_user(getattr(burning_world, who))
    for url in (f"/burning/cases/{case.pk}/", f"/burning/cases/{case.pk}/verify/"):
        assert outsider.get(url).status_code == 404
    assert case.number not in outsider.get("/burning/cases/").content.decode()
    assert outsider.post(f"/burning/cases/{case.pk}/close/").status_code == 404
    grid = burning_world.grid
    assert outsider.get(f"/burning/units/{grid.pk}/").status_code == 404


def test_users_without_a_burning_role_get_nothing(burning_world, case):
    from tests.factories import user_with
    from yimen.accounts.roles import Role

    caseworker = as_user(user_with(Role.TOWNSHIP_CASEWORKER, "220122101000"))
    for url in ("/burning/", "/burning/cases/", f"/burning/cases/{case.pk}/", "/burning/map/data/"):
        assert caseworker.get(url).status_code == 404


def test_a_fire_file_with_bad_rows_is_refused_on_the_page_with_numbers(burning_world):
    lon, lat = centre(burning_world.grid)
    text = firms([(lon, lat, utc(2026, 12, 7), "n")]).decode()
    text += "44.3,125.1,330,0.4,0.4,2026-12-07,0530,N20,VIIRS,z,2.0NRT,290,3,D\n"
    upload = SimpleUploadedFile("fire.csv", text.encode(), "text/csv")
    page = as_user(burning_world.county).post("/burning/fires/", {"file": upload})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="refused-rows"' in html and "第 3 行" in html
    assert Detection.objects.count() == 0
    ok = SimpleUploadedFile("fire.csv", firms([(lon, lat, utc(2026, 12, 7), "n")]), "text/csv")
    html = as_user(burning_world.county).post("/burning/fires/", {"file": ok}).content.decode()
    assert 'id="import-result"' in html and Detection.objects.count() == 1
    # a grid head may not import
    assert as_user(burning_world.grid_head).post("/burning/fires/", {"file": ok}).status_code == 404


def test_the_grid_upload_page_lists_refused_features(burning_world):
    bad = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": None}],
    }
    upload = SimpleUploadedFile("g.geojson", json.dumps(bad).encode(), "application/geo+json")
    county = as_user(burning_world.county)
    html = county.post(
        "/burning/grids/import/", {"county": "220122000000", "file": upload}
    ).content.decode()
    assert 'id="refused-features"' in html and "第 1 个要素" in html
    assert as_user(burning_world.township).get("/burning/grids/import/").status_code == 404


def test_map_data_is_scoped_and_drawn_from_our_geojson(burning_world, case):
    data = (
        as_user(burning_world.county).get("/burning/map/data/?county=220122&day=2026-12-07").json()
    )
    assert len(data["grids"]["features"]) == Unit.objects.filter(level=6).count()
    assert data["synthetic"] is True
    assert data["points"][0]["url"] == f"/burning/cases/{case.pk}/"
    # the grid head sees the grids of its village only; Yushu's office sees nothing of 农安县
    head = (
        as_user(burning_world.grid_head)
        .get("/burning/map/data/?county=220122&day=2026-12-07")
        .json()
    )
    assert len(head["grids"]["features"]) == 4
    other = (
        as_user(burning_world.yushu).get("/burning/map/data/?county=220122&day=2026-12-07").json()
    )
    assert other["grids"]["features"] == [] and other["points"] == []
    page = as_user(burning_world.county).get("/burning/map/")
    assert "script-src 'self'" in page["Content-Security-Policy"]
    html = page.content.decode()
    assert "vendor/echarts.min.js" in html and "http://" not in html and "https://" not in html


def test_reports_and_statistics_download(burning_world, case):
    county = as_user(burning_world.county)
    daily = county.get("/burning/reports/?county=220122&day=2026-12-07").content.decode()
    assert case.number in daily
    xlsx = county.get("/burning/reports/?county=220122&day=2026-12-07&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert case.number in [row[0] for row in sheet.iter_rows(values_only=True)]
    for kind in ("daily", "weekly"):
        pdf = county.get(f"/burning/reports/?county=220122&day=2026-12-07&kind={kind}&format=pdf")
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    weekly = county.get(
        "/burning/reports/?county=220122&day=2026-12-07&kind=weekly"
    ).content.decode()
    assert "伏龙泉镇" in weekly
    stats = county.get("/burning/statistics/?from=2026-12-01&to=2026-12-07")
    assert stats.status_code == 200 and 'id="burning-chart"' in stats.content.decode()
    book = county.get("/burning/statistics/?from=2026-12-01&to=2026-12-07&format=xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(book.content)).active.iter_rows(values_only=True))
    assert rows[-1][0] == "2026-12-07" and rows[-1][1] == 1


def test_the_inspector_records_a_summons_and_the_county_may_not(burning_world, case):
    form = {
        "form": "summons",
        "division": "220122101000",
        "summoned_name": "王某",
        "summoned_post": "镇党委书记",
        "summoner_office": "省生态环境厅",
        "held_on": "2026-12-07",
        "problems": "禁烧区火点",
        "cases": case.number,
    }
    assert (
        as_user(burning_world.inspector).post("/burning/accountability/", form).status_code == 302
    )
    summons = Summons.objects.get()
    assert list(summons.cases.all()) == [case]
    assert as_user(burning_world.county).post("/burning/accountability/", form).status_code == 404
    assert Summons.objects.count() == 1


def test_the_tree_shows_who_answered_on_a_day(burning_world):
    page = as_user(burning_world.county).get("/burning/units/?county=220122&day=2026-12-07")
    html = page.content.decode()
    assert "包保人乙" in html and "网格长甲" in html
    before = as_user(burning_world.county).get("/burning/units/?county=220122&day=2025-12-07")
    assert "网格长甲" not in before.content.decode()  # assigned from 2026-01-01


def test_the_synthetic_layout_is_what_the_demo_imports():
    doc = json.loads(synthetic.geojson())
    assert doc["name"].startswith("synthetic")
    assert all(f["properties"]["synthetic"] for f in doc["features"])


def test_settings_are_dated_audited_and_never_backdated(burning_world):
    from yimen.audit.models import AuditEvent
    from yimen.burning.models import BurningSettings

    county = as_user(burning_world.county)
    page = county.get("/burning/settings/").content.decode()
    assert 'id="placeholder-note"' in page  # the defaults are example values
    form = {
        "valid_from": "2026-12-08",
        "arrive_minutes": "45",
        "verify_hours": "24",
        "escalate_minutes": "60",
        "join_metres": "1000",
        "join_hours": "24",
        "nearest_metres": "500",
        "county_metres": "20000",
        "photo_metres": "500",
        "grid_tolerance_metres": "50",
        "rectification_days": "30",
        "recheck_percent": "10",
        "first_point_yuan": "500000",
        "later_point_yuan": "300000",
        "season_start_month": "10",
        "season_start_day": "1",
        "season_end_month": "5",
        "season_end_day": "1",
    }
    assert county.post("/burning/settings/", form).status_code == 302
    row = BurningSettings.objects.get()
    assert row.division_id == "220122000000" and row.arrive_minutes == 45 and not row.placeholder
    assert AuditEvent.objects.filter(event_type="burning.settings_set").count() == 1
    backdated = county.post("/burning/settings/", {**form, "valid_from": "2026-12-01"})
    assert backdated.status_code == 200 and BurningSettings.objects.count() == 1
    assert as_user(burning_world.grid_head).get("/burning/settings/").status_code == 404
