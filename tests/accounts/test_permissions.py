"""The permission matrix: every role × every action, inside and outside the binding's
subtree; and the generated permission table in docs/ must match the code."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import HUAYANG, NANGUAN, NANLING, ZIQIANG, user_with
from yimen.accounts.models import RoleBinding
from yimen.accounts.permissions_doc import permissions_markdown
from yimen.accounts.roles import PERMISSIONS, Action, Role, role_allows
from yimen.accounts.scoping import bindings_of, can, division_q, forget_bindings

pytestmark = pytest.mark.django_db

HENGAN, BEIAN = "220102001002", "220102002001"
CHANGCHUN, JILIN, KUANCHENG, YUSHU, HAIKOU = (
    "220100000000",
    "220000000000",
    "220103000000",
    "220182000000",
    "460100000000",
)

# binding division → (inside its subtree, outside it: siblings, parents, other counties)
SUBTREES = {
    NANLING: (
        [NANLING, HUAYANG, HENGAN],
        [ZIQIANG, BEIAN, NANGUAN, CHANGCHUN, JILIN, KUANCHENG, YUSHU, HAIKOU],
    ),
    NANGUAN: (
        [NANGUAN, NANLING, ZIQIANG, HUAYANG, HENGAN, BEIAN],
        [CHANGCHUN, JILIN, KUANCHENG, YUSHU, HAIKOU],
    ),
}


def test_every_role_has_a_row_and_only_known_actions():
    assert set(PERMISSIONS) == set(Role)
    for actions in PERMISSIONS.values():
        assert actions <= set(Action)


@pytest.mark.parametrize("binding_division", list(SUBTREES))
@pytest.mark.parametrize("role", list(Role))
def test_can_equals_the_table_inside_the_subtree_and_is_false_outside(tree, role, binding_division):
    user = user_with(role, binding_division)
    inside, outside = SUBTREES[binding_division]
    mismatches = []
    for action in Action:
        allowed = action in PERMISSIONS[role]
        for division in inside:
            if can(user, action, division) is not allowed:
                mismatches.append(("inside", action.value, division, allowed))
        for division in outside:
            if can(user, action, division):
                mismatches.append(("outside", action.value, division, False))
        assert role_allows(role, action) is allowed
        assert can(user, action.value, inside[0]) is allowed  # plain strings work too
    assert mismatches == []


def test_county_supervisor_can_never_decide(tree):
    supervisor = user_with(Role.COUNTY_SUPERVISOR, NANGUAN)
    for division in [NANGUAN, NANLING, HUAYANG, ZIQIANG]:
        assert not can(supervisor, Action.CASE_DECIDE, division)
        assert can(supervisor, Action.CASE_VIEW, division)
    assert Action.CASE_DECIDE not in PERMISSIONS[Role.COUNTY_SUPERVISOR]


def test_village_staff_never_decide_or_accept(tree):
    village = user_with(Role.VILLAGE_STAFF, HUAYANG)
    for action in (Action.CASE_DECIDE, Action.CASE_ACCEPT):
        assert action not in PERMISSIONS[Role.VILLAGE_STAFF]
        assert not can(village, action, HUAYANG)
    assert can(village, Action.CASE_APPRAISE, HUAYANG)


def test_only_the_township_approver_decides():
    deciders = {role for role, actions in PERMISSIONS.items() if Action.CASE_DECIDE in actions}
    assert deciders == {Role.TOWNSHIP_APPROVER}


def test_anonymous_and_inactive_users_can_do_nothing(tree):
    from django.contrib.auth.models import AnonymousUser

    assert bindings_of(AnonymousUser()) == []
    assert bindings_of(None) == []
    user = user_with(Role.TOWNSHIP_APPROVER, NANLING)
    user.is_active = False
    forget_bindings(user)
    assert not can(user, Action.CASE_VIEW, NANLING)


def test_a_deactivated_binding_grants_nothing(tree):
    user = user_with(Role.TOWNSHIP_APPROVER, NANLING)
    RoleBinding.objects.filter(user=user).update(active=False)
    forget_bindings(user)
    assert not can(user, Action.CASE_DECIDE, NANLING)
    assert str(division_q(user, Action.CASE_VIEW)) == "(AND: ('pk__in', []))"


def test_a_role_unknown_to_the_code_fails_closed(tree):
    """A binding whose role was since removed from the code grants nothing and breaks
    nothing (rather than a 500 on every page of that user)."""
    user = user_with(Role.TOWNSHIP_CASEWORKER, NANLING)
    RoleBinding.objects.create(user=user, role="retired_role", division_id=NANLING)
    forget_bindings(user)
    assert [b.role for b in bindings_of(user)] == [Role.TOWNSHIP_CASEWORKER]
    assert role_allows("retired_role", Action.CASE_VIEW) is False
    assert role_allows(Role.TOWNSHIP_CASEWORKER, "no.such.action") is False


def test_several_bindings_add_up(tree):
    user = user_with(Role.VILLAGE_STAFF, HUAYANG)
    RoleBinding.objects.create(user=user, role=Role.TOWNSHIP_CASEWORKER, division_id=ZIQIANG)
    forget_bindings(user)
    assert can(user, Action.CASE_APPRAISE, HUAYANG)
    assert not can(user, Action.CASE_APPRAISE, BEIAN)
    assert can(user, Action.CASE_ACCEPT, BEIAN)
    assert not can(user, Action.CASE_ACCEPT, HUAYANG)


def test_docs_permissions_md_is_generated_from_the_code():
    path = Path(settings.REPO_DIR) / "docs" / "permissions.md"
    assert path.read_text(encoding="utf-8") == permissions_markdown(), (
        "docs/permissions.md is out of date: run `yimen permissions_doc`"
    )


def test_permission_table_lists_every_role_and_action():
    text = permissions_markdown()
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == len(Action)
    for action, row in zip(Action, rows, strict=True):
        cells = [c.strip() for c in row.strip("|").split("|")[1:]]
        assert cells == ["✔" if action in PERMISSIONS[r] else "" for r in Role]
