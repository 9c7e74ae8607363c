"""Granting and revoking roles: only account managers above the division, audited, no
duplicates, and the new rights take effect at once."""

from __future__ import annotations

import pytest

from tests.factories import NANLING, ZIQIANG, UserFactory, user_with
from yimen.accounts.models import RoleBinding
from yimen.accounts.reach import NotManager
from yimen.accounts.roles import Action, Role
from yimen.accounts.scoping import can
from yimen.accounts.services import (
    RoleExists,
    RoleNotActive,
    UnknownRole,
    role_grant,
    role_revoke,
)
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.audit.verify import verify_chain
from yimen.regions.models import Division

pytestmark = pytest.mark.django_db

JILIN, HAINAN = "220000000000", "460000000000"


@pytest.fixture
def admin(tree):
    return user_with(Role.SYSTEM_ADMIN, JILIN, full_name="胡文")


@pytest.fixture
def newcomer(tree):
    user = UserFactory(full_name="新同事")
    user.save()
    return user


def grant(actor, user, role=Role.TOWNSHIP_CASEWORKER, division=NANLING, reason="入职"):
    return role_grant(
        actor=actor, user=user, role=role, division=Division.objects.get(pk=division), reason=reason
    )


def test_grant_gives_the_rights_at_once_and_is_audited(admin, newcomer):
    assert not can(newcomer, Action.CASE_ACCEPT, NANLING)
    binding = grant(admin, newcomer)
    assert binding.active and binding.granted_by == admin
    assert can(newcomer, Action.CASE_ACCEPT, NANLING)
    assert not can(newcomer, Action.CASE_ACCEPT, ZIQIANG)

    event = AuditEvent.objects.get(event_type=EventType.ROLE_GRANTED)
    assert event.subject_type == "accounts.user" and event.subject_id == str(newcomer.pk)
    assert event.actor == admin and event.actor_name == "胡文"
    assert event.role == Role.SYSTEM_ADMIN and event.division_code == JILIN
    assert event.new == {"role": Role.TOWNSHIP_CASEWORKER, "division": NANLING}
    assert event.reason == "入职"
    assert verify_chain().ok


def test_the_audit_names_the_binding_that_allowed_the_grant(admin, newcomer):
    RoleBinding.objects.create(user=admin, role=Role.SYSTEM_ADMIN, division_id=HAINAN)
    grant(admin, newcomer)
    event = AuditEvent.objects.get(event_type=EventType.ROLE_GRANTED)
    assert event.division_code == JILIN  # not the Hainan binding, which does not cover 南岭


def test_a_duplicate_grant_is_refused(admin, newcomer):
    grant(admin, newcomer)
    with pytest.raises(RoleExists) as refused:
        grant(admin, newcomer)
    assert refused.value.status == 409
    assert refused.value.code == "accounts.role_exists"
    assert RoleBinding.objects.filter(user=newcomer).count() == 1
    assert AuditEvent.objects.filter(event_type=EventType.ROLE_GRANTED).count() == 1


@pytest.mark.parametrize(
    "manager_role,manager_division",
    [
        (Role.TOWNSHIP_APPROVER, NANLING),  # may decide cases, not manage accounts
        (Role.COUNTY_SUPERVISOR, "220102000000"),
        (Role.SYSTEM_ADMIN, HAINAN),  # an administrator of another province
        (Role.SYSTEM_ADMIN, ZIQIANG),  # an administrator of the neighbouring township
    ],
)
def test_only_managers_above_the_division_may_grant(tree, newcomer, manager_role, manager_division):
    actor = user_with(manager_role, manager_division)
    with pytest.raises(NotManager) as refused:
        grant(actor, newcomer)
    assert refused.value.status == 403
    assert not RoleBinding.objects.filter(user=newcomer).exists()
    assert not AuditEvent.objects.filter(event_type=EventType.ROLE_GRANTED).exists()


def test_a_user_cannot_grant_themselves_a_role_they_lack_the_right_for(tree):
    caseworker = user_with(Role.TOWNSHIP_CASEWORKER, NANLING)
    with pytest.raises(NotManager):
        grant(caseworker, caseworker, role=Role.TOWNSHIP_APPROVER)
    assert not can(caseworker, Action.CASE_DECIDE, NANLING)


def test_an_unknown_role_is_refused_before_anything_is_written(admin, newcomer):
    with pytest.raises(UnknownRole) as refused:
        grant(admin, newcomer, role="overlord")
    assert refused.value.status == 400
    assert not RoleBinding.objects.filter(user=newcomer).exists()


def test_revoke_takes_the_rights_away_keeps_the_row_and_is_audited(admin, newcomer):
    binding = grant(admin, newcomer)
    assert can(newcomer, Action.CASE_ACCEPT, NANLING)
    role_revoke(actor=admin, binding=binding, reason="调岗")
    assert not can(newcomer, Action.CASE_ACCEPT, NANLING)
    binding.refresh_from_db()
    assert binding.active is False  # kept for the record
    event = AuditEvent.objects.get(event_type=EventType.ROLE_REVOKED)
    assert event.old == {"role": Role.TOWNSHIP_CASEWORKER, "division": NANLING}
    assert event.reason == "调岗" and event.actor == admin
    assert verify_chain().ok


def test_revoking_twice_is_refused(admin, newcomer):
    binding = grant(admin, newcomer)
    role_revoke(actor=admin, binding=binding, reason="调岗")
    with pytest.raises(RoleNotActive):
        role_revoke(actor=admin, binding=binding, reason="again")
    assert AuditEvent.objects.filter(event_type=EventType.ROLE_REVOKED).count() == 1


def test_a_revoked_role_can_be_granted_again(admin, newcomer):
    binding = grant(admin, newcomer)
    role_revoke(actor=admin, binding=binding, reason="调岗")
    again = grant(admin, newcomer, reason="回岗")
    assert again.pk == binding.pk and again.active
    assert can(newcomer, Action.CASE_ACCEPT, NANLING)


def test_a_non_manager_cannot_revoke(admin, newcomer, tree):
    binding = grant(admin, newcomer)
    other_admin = user_with(Role.SYSTEM_ADMIN, HAINAN)
    with pytest.raises(NotManager):
        role_revoke(actor=other_admin, binding=binding, reason="x")
    binding.refresh_from_db()
    assert binding.active
    assert not AuditEvent.objects.filter(event_type=EventType.ROLE_REVOKED).exists()
