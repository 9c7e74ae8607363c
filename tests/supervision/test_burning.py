"""County supervision of straw burning over HTTP: the county supervisor reads its county's
fire cases (filters, overdue), a case with its history, and the re-check samples — all
read-only; another county's supervisor and other roles get nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.burning import conftest as burning_fixtures
from tests.burning.conftest import DONGZHENCHAI, FULONGQUAN, NONGAN, centre, firms, jpeg, utc
from tests.factories import user_with
from yimen.accounts.roles import Role
from yimen.burning.models import FireCase, RecheckDraw, Unit
from yimen.burning.services.dispatch import PhotoIn, case_close, case_verify
from yimen.burning.services.fires import fires_import
from yimen.burning.services.recheck import recheck_draw
from yimen.regions.models import Division
from yimen.web.menu import menu_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]
burning_world = burning_fixtures.burning_world  # the straw-burning tests' world


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def supervisor(burning_world):
    return user_with(Role.COUNTY_SUPERVISOR, NONGAN, full_name="农安监督")


@pytest.fixture
def cases(burning_world) -> list[FireCase]:
    """Two cases in 东榛柴村's grids: one closed by the township, one still dispatched."""
    w = burning_world
    third = Unit.objects.get(code=f"{DONGZHENCHAI}-G03")
    points = [
        (*centre(w.grid), utc(2026, 12, 6, 1), "n"),
        (*centre(third), utc(2026, 12, 6, 2), "h"),
    ]
    fires_import(data=firms(points), filename="f.csv", actor=w.county, now=utc(2026, 12, 6, 3))
    closed = FireCase.objects.get(unit=w.grid)
    case_verify(
        case=closed,
        actor=w.grid_head,
        outcome="false",
        reason="垃圾焚烧",
        photos=[PhotoIn("a.jpg", jpeg(closed.longitude, closed.latitude))],
        now=utc(2026, 12, 6, 4),
    )
    case_close(case=closed, actor=w.township, note="办结", now=utc(2026, 12, 6, 5))
    return [closed, FireCase.objects.get(unit=third)]


def test_the_county_supervisor_lists_the_countys_fire_cases_with_filters(supervisor, cases):
    closed, open_case = cases
    page = as_user(supervisor)
    html = page.get("/county/burning/").content.decode()
    assert closed.number in html and open_case.number in html
    assert "东榛柴村" in html
    only_closed = page.get("/county/burning/?status=closed").content.decode()
    assert closed.number in only_closed and open_case.number not in only_closed
    # the open case's clocks ran out long ago (pinned now: 2026-12-07)
    overdue = page.get("/county/burning/?overdue=1").content.decode()
    assert open_case.number in overdue and closed.number not in overdue
    town = page.get(f"/county/burning/?township={FULONGQUAN[:9]}").content.decode()
    assert closed.number in town
    other_town = page.get("/county/burning/?township=220122102").content.decode()
    assert closed.number not in other_town
    days = page.get("/county/burning/?from=2026-12-07&to=2026-12-07").content.decode()
    assert closed.number not in days
    junk = page.get("/county/burning/?status=nonsense&from=notaday&page=x")
    assert junk.status_code == 200 and closed.number not in junk.content.decode()


def test_a_case_shows_its_clock_points_verification_and_history(supervisor, cases):
    closed, open_case = cases
    page = as_user(supervisor)
    html = page.get(f"/county/burning/{closed.pk}/").content.decode()
    assert 'id="case-history"' in html
    for who in ("农安禁烧办", "网格长甲", "伏龙泉值班"):
        assert who in html
    assert "已办结" in html  # the status, by its label
    assert (
        'id="case-overdue"'
        in as_user(supervisor).get(f"/county/burning/{open_case.pk}/").content.decode()
    )
    # read-only: no form posts anything
    assert '<form method="post"' not in html
    assert page.post(f"/county/burning/{closed.pk}/").status_code == 405


def test_the_re_check_samples_are_read_only_in_supervision(burning_world, supervisor, cases):
    w = burning_world
    draw = recheck_draw(
        county=Division.objects.get(pk=NONGAN),
        period_from=timezone.localdate() - timedelta(days=5),
        period_to=timezone.localdate(),
        seed="s-1",
        actor=w.county,
    )
    page = as_user(supervisor)
    listing = page.get("/county/burning/rechecks/").content.decode()
    assert 'id="burning-draws"' in listing and f"/county/burning/rechecks/{draw.pk}/" in listing
    sample = page.get(f"/county/burning/rechecks/{draw.pk}/").content.decode()
    assert (
        "s-1" in sample
        and cases[0].number in sample
        and "<form" not in sample.split('id="sample"')[1]
    )


def test_another_countys_supervisor_and_other_roles_get_nothing(burning_world, cases):
    closed = cases[0]
    draw = RecheckDraw.objects.create(
        county_id=NONGAN,
        period_from=closed.closed_at.date(),
        period_to=closed.closed_at.date(),
        seed="x",
        percent=10,
        population=1,
        population_digest="0" * 64,
        drawn_by=burning_world.county,
    )
    nanguan = as_user(user_with(Role.COUNTY_SUPERVISOR, "220102000000"))
    assert closed.number not in nanguan.get("/county/burning/").content.decode()
    assert nanguan.get(f"/county/burning/{closed.pk}/").status_code == 404
    assert nanguan.get(f"/county/burning/rechecks/{draw.pk}/").status_code == 404
    assert nanguan.get("/county/burning/999999/").status_code == 404
    for user in (burning_world.county, burning_world.grid_head):
        assert as_user(user).get("/county/burning/").status_code == 403
        assert as_user(user).get(f"/county/burning/{closed.pk}/").status_code == 403


def test_the_menu_leads_the_county_supervisor_there(supervisor):
    keys = {item["key"] for item in menu_for(supervisor)}
    assert "county_burning" in keys
    assert as_user(supervisor).get("/county/burning/").status_code == 200
