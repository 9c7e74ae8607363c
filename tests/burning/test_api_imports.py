"""Satellite files through the API (``POST /api/burning/imports/``), as a provincial
platform would push them: multipart form data with the file and its declared feed; checked
as a whole like the page import (every bad row in the problem body, in Chinese and English,
nothing written), idempotent when sent again, scoped like the page."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.helpers import api_client, problem
from tests.burning.conftest import centre, firms, utc
from tests.factories import user_with
from yimen.accounts.roles import Role
from yimen.burning.models import Detection, FireCase, FireImport

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]

URL = "/api/burning/imports/"
BAD_ROW = "94.5,125.1,330,0.4,0.4,2026-12-07,0530,N20,VIIRS,n,2.0NRT,290,3,D\n"


def send(client, data: bytes, name="fires.csv", fmt="viirs", **extra):
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(URL, {"file": upload, "format": fmt, **extra})


def two_points(w) -> bytes:
    lon, lat = centre(w.grid)
    return firms([(lon, lat, utc(2026, 12, 7, 1), "n"), (lon + 0.3, lat, utc(2026, 12, 7), "h")])


def test_a_firms_file_is_imported_and_sending_it_again_adds_nothing(burning_world):
    api = api_client(burning_world.county)
    first = send(api, two_points(burning_world))
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["source"] == "viirs" and body["rows"] == 2 and body["new"] == 2
    assert body["duplicates"] == 0 and body["cases_opened"] + body["outside"] >= 1
    cases = FireCase.objects.count()
    assert Detection.objects.count() == 2 and cases >= 1
    again = send(api, two_points(burning_world))
    assert again.status_code == 200, again.content
    assert again.json()["new"] == 0 and again.json()["duplicates"] == 2
    assert Detection.objects.count() == 2 and FireCase.objects.count() == cases


def test_every_bad_row_is_in_the_problem_in_chinese_and_english_and_nothing_is_written(
    burning_world,
):
    api = api_client(burning_world.county)
    data = (
        two_points(burning_world).decode()
        + BAD_ROW
        + BAD_ROW.replace("94.5", "44.3").replace(",0530,", ",2460,")
    )
    body = problem(send(api, data.encode()), 400, "burning.import_refused")
    assert [r["row"] for r in body["rows"]] == [4, 5]
    assert "latitude" in body["rows"][0]["detail_en"] and "超出" in body["rows"][0]["detail_zh"]
    assert "not a time of day" in body["rows"][1]["detail_en"]
    assert "不是一天中的时刻" in body["rows"][1]["detail_zh"]
    assert "2 行被拒绝" in body["detail_zh"] and "2 rows refused" in body["detail_en"]
    assert Detection.objects.count() == FireCase.objects.count() == FireImport.objects.count() == 0


def test_a_file_of_another_feed_than_declared_or_unreadable_is_refused(burning_world):
    api = api_client(burning_world.county)
    body = problem(
        send(api, two_points(burning_world), fmt="modis"), 400, "burning.format_mismatch"
    )
    assert "VIIRS" in body["detail_en"]
    body = problem(send(api, b"lat,lon,when\n1,2,3\n"), 400, "burning.unreadable_file")
    assert "不是 FIRMS" in body["detail_zh"] and "not a FIRMS" in body["detail_en"]
    problem(send(api, two_points(burning_world), fmt="patrol"), 400, "burning.invalid_input")
    problem(send(api, two_points(burning_world), colour="red"), 400, "burning.invalid_input")
    problem(api.post(URL, {"format": "viirs"}), 400, "burning.invalid_input")
    assert FireImport.objects.count() == 0


def test_a_bulletin_workbook_is_imported_to_its_county_by_name(burning_world):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["设区市", "县（市、区）", "乡镇", "中心经度", "中心纬度", "卫星过境日期"])
    sheet.append(["长春市", "农安县", "伏龙泉镇", "125°30'0\"E", "44°30'0\"N", "2026-12-06"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = send(
        api_client(burning_world.inspector), buffer.getvalue(), name="通报.xlsx", fmt="bulletin"
    )
    assert response.status_code == 201, response.content
    point = Detection.objects.get()
    assert point.source == "bulletin" and point.county_code == "220122"


def test_only_importing_roles_send_files_and_points_stay_in_their_area(burning_world):
    w = burning_world
    for user in (w.grid_head, user_with(Role.INSPECTION_MEMBER, "220000000000")):
        problem(send(api_client(user), two_points(w)), 403)
    assert FireImport.objects.count() == 0
    # another county's office: the file is read, but 农安县's points are outside its area
    response = send(api_client(w.yushu), two_points(w))
    assert response.status_code == 201
    assert response.json()["outside"] == 2 and FireCase.objects.count() == 0
    # not logged in
    assert api_client_anonymous_status(two_points(w)) == 401


def api_client_anonymous_status(data: bytes) -> int:
    from django.test import Client

    return send(Client(), data).status_code
