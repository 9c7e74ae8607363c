"""County supervision of the subsidy through HTTP: the supervisor's list, detail with its
history, the review request that the bureau's reviewer finds on the overview and answers
on the application's page, the sampling pages; labels, not codes; every other role and
county gets a 403 or a 404."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from yimen.subsidy.models import ReviewRequest, SampleDraw, SampleFinding

from .conftest import BJ, approved, feed, pit

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2020, 12, 20, 9, 0, tzinfo=BJ), tick=False):
        yield


def login(client, user):
    client.force_login(user)
    return client


def test_the_supervisor_lists_and_opens_an_application_read_only(world, client):
    app = approved(world, pit())
    waiting = world.submitted(feed())
    page = login(client, world.supervisor).get("/county/subsidy/")
    assert page.status_code == 200
    text = page.content.decode()
    assert app.number in text and waiting.number in text
    assert "已审批，待公示" in text and ">approved<" not in text  # labels, not codes
    filtered = client.get("/county/subsidy/", {"status": "submitted"}).content.decode()
    assert waiting.number in filtered and app.number not in filtered
    detail = client.get(f"/county/subsidy/{app.pk}/")
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "贮窖" in body and "孙立军" in body  # the item's label, the signer
    assert "调查摸底" in body or "Subsidy unit surveyed" in body  # the history
    assert app.unit.identity not in body  # a household's ID number stays masked
    assert 'action="/subsidy/applications/' not in body  # no decision form here
    # the menu leads here
    assert "/county/subsidy/" in client.get("/").content.decode()


def test_other_roles_and_counties_get_nothing(world, client, other_supervisor):
    app = world.submitted(feed())
    assert login(client, world.reviewer).get("/county/subsidy/").status_code == 403
    assert client.get(f"/county/subsidy/{app.pk}/").status_code == 403
    login(client, other_supervisor)
    assert app.number not in client.get("/county/subsidy/").content.decode()
    assert client.get(f"/county/subsidy/{app.pk}/").status_code == 404
    assert client.post(f"/county/subsidy/{app.pk}/request/", {"comment": "x"}).status_code == 404
    assert client.get("/county/subsidy/999999999/").status_code == 404
    assert not ReviewRequest.objects.exists()


def test_a_request_reaches_the_reviewer_who_answers_and_the_county_reads_it(world, client):
    app = world.submitted(feed())
    login(client, world.supervisor).post(f"/county/subsidy/{app.pk}/request/", {"comment": ""})
    assert not ReviewRequest.objects.exists()  # refused: a request says what to review
    client.post(f"/county/subsidy/{app.pk}/request/", {"comment": "请核实饲料数量"})
    request = ReviewRequest.objects.get()
    overview = login(client, world.reviewer).get("/subsidy/").content.decode()
    assert "请核实饲料数量" in overview and app.number in overview
    client.post(f"/subsidy/review-requests/{request.pk}/answer/", {"text": "已复核属实"})
    request.refresh_from_db()
    assert request.answer == "已复核属实"
    detail = login(client, world.supervisor).get(f"/county/subsidy/{app.pk}/").content.decode()
    assert "已复核属实" in detail and "孙立军" in detail
    listed = client.get("/county/subsidy/", {"requested": "1"}).content.decode()
    assert app.number not in listed  # answered: no longer waiting


def test_the_old_county_address_leads_to_supervision(world, client):
    response = login(client, world.supervisor).get("/subsidy/county/")
    assert response.status_code == 301 and response["Location"] == "/county/subsidy/"


def test_sampling_through_the_pages(world, client, clock, other_supervisor):
    apps = [approved(world, feed(str(100 + n))) for n in range(3)]
    login(client, world.supervisor)
    page = client.get("/county/subsidy/samples/")
    assert page.status_code == 200 and "示例参数" in page.content.decode()
    bad = client.post("/county/subsidy/samples/draw/", {"area": "220102000000", "from": "2020-12"})
    assert bad.status_code == 302 and not SampleDraw.objects.exists()  # not its area
    client.post(
        "/county/subsidy/samples/draw/",
        {"area": "220182000000", "from": "2020-13", "to": "2020-12"},
    )
    assert not SampleDraw.objects.exists()  # a month that does not exist: refused
    response = client.post(
        "/county/subsidy/samples/draw/",
        {"area": "220182000000", "from": "2020-12", "to": "2020-12", "seed": "s1"},
    )
    draw = SampleDraw.objects.get()
    assert response["Location"] == f"/county/subsidy/samples/{draw.pk}/"
    sample = client.get(response["Location"]).content.decode()
    sampled = draw.applications.get()  # ceil(3 × 30 %) = 1
    assert sampled.application.number in sample and "已审批" in sample
    client.post(
        f"/county/subsidy/samples/{draw.pk}/applications/{sampled.pk}/finding/",
        {"finding": SampleFinding.REVIEW_REQUESTED, "note": "请说明计量依据"},
    )
    sampled.refresh_from_db()
    assert sampled.finding == SampleFinding.REVIEW_REQUESTED
    assert ReviewRequest.objects.get().application_id == sampled.application_id
    assert {a.pk for a in apps} >= {sampled.application_id}
    # another county's supervisor cannot open the draw
    login(client, other_supervisor)
    assert client.get(f"/county/subsidy/samples/{draw.pk}/").status_code == 404
