"""The division admin adds through division_add and shows its refusals on the form."""

import pytest

from tests.factories import NANLING, user_with
from yimen.accounts.roles import Role
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.regions.models import Division

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.regions.urls")]

ADD_URL = "/admin/regions/division/add/"


@pytest.fixture
def staff(client, tree):
    user = user_with(Role.SYSTEM_ADMIN, "220000", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_the_list_searches_by_name_and_code(client, staff):
    assert "南岭街道" in client.get("/admin/regions/division/", {"q": "南岭"}).text
    by_code = client.get("/admin/regions/division/", {"q": "220182"}).text
    assert "榆树市" in by_code and "南关区" not in by_code
    assert "宽城区" in client.get("/admin/regions/division/", {"level__exact": "3"}).text


def test_adding_goes_through_the_service_and_is_audited(client, staff):
    response = client.post(ADD_URL, {"code": "220102001003", "name": "百屹社区"})

    assert response.status_code == 302
    added = Division.objects.get(code="220102001003")
    assert added.parent_id == NANLING
    event = AuditEvent.objects.get(event_type=EventType.DIVISION_ADDED)
    assert event.actor_id == staff.pk and event.subject_id == "220102001003"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "220102001001", "name": "重复社区"}, "already belongs to 华阳社区"),
        ({"code": "220102009001", "name": "新村"}, "Add the division 220102009 first"),
        ({"code": "22010x", "name": "新村"}, "is not a division code"),
        ({"code": "220102001003", "name": "   "}, "This field is required"),
    ],
)
def test_a_refusal_is_shown_on_the_form(client, staff, data, message):
    response = client.post(ADD_URL, data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert message in response.text
    assert Division.objects.count() == 12
    assert not AuditEvent.objects.exists()


def test_a_staff_user_without_the_role_is_refused_on_the_form(client, tree):
    clerk = user_with(Role.TOWNSHIP_APPROVER, NANLING, is_staff=True, is_superuser=True)
    client.force_login(clerk)

    response = client.post(
        ADD_URL, {"code": "220102001003", "name": "百屹社区"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert "You may not add divisions under 220102001" in response.text
    assert not Division.objects.filter(code="220102001003").exists()


def test_existing_divisions_are_read_only(client, staff):
    page = client.get(f"/admin/regions/division/{NANLING}/change/")
    assert page.status_code == 200
    assert 'name="name"' not in page.text  # shown, not editable
    assert 'name="_save"' not in page.text
    assert "南岭街道" in page.text


def test_a_short_code_is_stored_in_full_and_logged_under_it(client, staff):
    from django.contrib.admin.models import LogEntry

    response = client.post(ADD_URL, {"code": "220102003", "name": "民康街道"})

    assert response.status_code == 302
    assert Division.objects.get(code="220102003000").parent_id == "220102000000"
    assert LogEntry.objects.get().object_id == "220102003000"


def test_a_refusal_after_the_form_checks_is_shown_and_nothing_logged(client, staff, monkeypatch):
    """Someone changed the tree between the form's check and the write."""
    from django.contrib.admin.models import LogEntry

    monkeypatch.setattr("yimen.accounts.forms_divisions.division_add_check", lambda **kwargs: None)

    response = client.post(
        ADD_URL,
        {"code": "220102009001", "name": "新村"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )

    assert response.redirect_chain[-1][0] == ADD_URL
    assert "Add the division 220102009 first" in response.text
    assert not Division.objects.filter(code="220102009001").exists()
    assert not LogEntry.objects.exists()
