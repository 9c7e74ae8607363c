"""division_add: every refusal, the write and its audit event."""

import pytest

from tests.factories import NANLING, user_with
from yimen.accounts.divisions import division_add
from yimen.accounts.roles import Role
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.errors import Forbidden, Invalid
from yimen.regions.codes import Level
from yimen.regions.models import Division

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(tree):
    return user_with(Role.SYSTEM_ADMIN, "220000")


def test_adds_a_village_under_its_township_and_audits_it(admin):
    added = division_add(actor=admin, code="220102001003", name=" 百屹社区 ")

    stored = Division.objects.get(code="220102001003")
    assert stored == added
    assert stored.name == "百屹社区"
    assert stored.level == Level.VILLAGE
    assert stored.parent_id == NANLING
    assert stored.prefix == "220102001003"
    assert stored.full_name == "南岭街道百屹社区"  # the fixture's parent has no full name
    event = AuditEvent.objects.get(event_type=EventType.DIVISION_ADDED)
    assert event.subject_type == "regions.division"
    assert event.subject_id == "220102001003"
    assert event.actor_id == admin.pk
    assert event.role == Role.SYSTEM_ADMIN
    assert event.division_code == "220000000000"
    assert event.new["name"] == "百屹社区"
    assert event.new["parent"] == NANLING


def test_a_short_code_names_the_same_division(admin):
    township = division_add(actor=admin, code="220102003", name="民康街道")
    assert township.code == "220102003000"
    assert township.level == Level.TOWNSHIP
    assert township.parent_id == "220102000000"


@pytest.mark.parametrize("code", ["2201020010031", "22010x", "", "00", "2201020"])
def test_refuses_a_bad_code(admin, code):
    with pytest.raises(Invalid) as caught:
        division_add(actor=admin, code=code, name="某社区")
    assert caught.value.code == "regions.invalid_code"


@pytest.mark.parametrize("name", ["", "   ", "长" * 101])
def test_refuses_an_empty_or_over_long_name(admin, name):
    with pytest.raises(Invalid) as caught:
        division_add(actor=admin, code="220102001003", name=name)
    assert caught.value.code == "regions.invalid_name"


def test_refuses_a_duplicate(admin):
    with pytest.raises(Invalid) as caught:
        division_add(actor=admin, code="220102001001", name="另一个社区")
    assert caught.value.code == "regions.duplicate"
    assert "华阳社区" in caught.value.render("en")
    assert Division.objects.get(code="220102001001").name == "华阳社区"


def test_refuses_when_the_parent_is_missing(admin):
    with pytest.raises(Invalid) as caught:
        division_add(actor=admin, code="220102009001", name="新村")
    assert caught.value.code == "regions.parent_missing"
    assert "220102009" in caught.value.render("en")


@pytest.mark.parametrize(
    ("role", "bound_to", "code"),
    [
        (Role.TOWNSHIP_APPROVER, "220102001", "220102001003"),  # role lacks DIVISION_ADD
        (Role.SYSTEM_ADMIN, "460000", "220102001003"),  # admin of another province
        (Role.SYSTEM_ADMIN, "220102002", "220102001003"),  # admin of a sibling township
        (Role.SYSTEM_ADMIN, "220000", "230000"),  # provinces: nobody
    ],
)
def test_refuses_an_actor_without_the_right_here(tree, role, bound_to, code):
    actor = user_with(role, bound_to)
    with pytest.raises(Forbidden) as caught:
        division_add(actor=actor, code=code, name="新社区")
    assert caught.value.code == "regions.forbidden"
    assert not Division.objects.filter(code=code.ljust(12, "0")).exists()
    assert not AuditEvent.objects.exists()


def test_an_admin_bound_to_the_parent_may_add_below_it(tree):
    actor = user_with(Role.SYSTEM_ADMIN, NANLING)
    assert division_add(actor=actor, code="220102001003", name="百屹社区").parent_id == NANLING


def test_nothing_is_written_when_refused(admin):
    with pytest.raises(Invalid):
        division_add(actor=admin, code="220102009001", name="新村")
    assert not Division.objects.filter(code="220102009001").exists()
    assert not AuditEvent.objects.exists()
