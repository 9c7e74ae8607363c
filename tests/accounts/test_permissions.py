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
from yimen.accounts.scoping import acting_role, bindings_of, can, division_q, forget_bindings

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


def test_the_acting_role_is_the_binding_that_allows_the_action_there(tree):
    """The services record this role in the audit; None (refused) outside the subtree or
    for an action the role lacks."""
    user = user_with(Role.VILLAGE_STAFF, HUAYANG)
    RoleBinding.objects.create(user=user, role=Role.TOWNSHIP_CASEWORKER, division_id=ZIQIANG)
    forget_bindings(user)
    assert acting_role(user, Action.CASE_ACCEPT, BEIAN) == Role.TOWNSHIP_CASEWORKER
    assert acting_role(user, Action.CASE_APPRAISE, HUAYANG) == Role.VILLAGE_STAFF
    assert acting_role(user, Action.CASE_ACCEPT, HUAYANG) is None
    assert acting_role(user, Action.CASE_DECIDE, BEIAN) is None


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


# --- the menu follows the role (issue 14): every link a role sees answers 200 -----------

# where a user of each role is bound for the menu checks (its natural level)
MENU_DIVISIONS = {
    Role.APPLICANT: HUAYANG,
    Role.VILLAGE_STAFF: HUAYANG,
    Role.GRID_WORKER: HUAYANG,
    Role.TOWNSHIP_CASEWORKER: NANLING,
    Role.TOWNSHIP_APPROVER: NANLING,
    Role.SOCIAL_WORKER: NANLING,
    Role.COUNTY_SUPERVISOR: NANGUAN,
    Role.CITY_VIEWER: CHANGCHUN,
    Role.MEDINS_AGENCY: CHANGCHUN,
    Role.HOSPITAL_OPERATOR: CHANGCHUN,
    Role.SUBSIDY_REVIEWER: YUSHU,
    Role.ENV_INSPECTOR: JILIN,
    Role.EXAM_ADMIN: JILIN,
    Role.SYSTEM_ADMIN: JILIN,
    # --- issue 19: safety exams ---
    Role.EXAM_CANDIDATE: NANGUAN,
    Role.EXAM_EMPLOYER: NANGUAN,
    Role.EXAM_STAFF: CHANGCHUN,
    Role.EXAM_CERTIFIER: JILIN,
    # --- issue 17: straw-to-meat subsidy ---
    Role.SUBSIDY_UNIT: YUSHU,
    Role.SUBSIDY_SURVEYOR: YUSHU,
    Role.SUBSIDY_INSPECTOR: YUSHU,
    Role.SUBSIDY_FINANCE: YUSHU,
    # --- issue 18: straw-burning supervision ---
    Role.GRID_HEAD: HUAYANG,
    Role.BAOBAO_PERSON: HUAYANG,
    Role.BURNING_TOWNSHIP: NANLING,
    Role.BURNING_COUNTY: NANGUAN,
    Role.INSPECTION_MEMBER: JILIN,
    # --- issue 22 item 2: complaints and re-examination ---
    Role.COMPLAINT_HANDLER: NANLING,
    Role.PRIVACY_AUDITOR: CHANGCHUN,
}


def test_every_menu_item_names_known_actions_and_a_real_page():
    from django.urls import reverse

    from yimen.web.menu import MENU

    keys = [item.key for item in MENU]
    assert len(keys) == len(set(keys))
    for item in MENU:
        assert item.needs <= set(Action), item.key
        assert reverse(item.url_name).startswith("/")


def test_every_role_has_a_menu_role_binding_division():
    assert set(MENU_DIVISIONS) == set(Role)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_exactly_its_menu_and_every_link_answers_200(tree, client, role):
    from yimen.web.menu import MENU, menu_for

    user = user_with(role, MENU_DIVISIONS[role])
    shown = {item["key"]: item["url"] for item in menu_for(user)}
    # what PERMISSIONS allows (items with a further condition may drop out: none of them
    # holds in this bare world)
    allowed = {
        item.key
        for item in MENU
        if item.when is None and (not item.needs or item.needs & PERMISSIONS[role])
    }
    # an item sharing its page with an earlier one is shown once (the entry form)
    assert set(shown) <= allowed
    assert allowed - set(shown) <= {"apply"}
    client.force_login(user)
    answers = {key: client.get(url).status_code for key, url in shown.items()}
    assert answers == dict.fromkeys(shown, 200)
    page = client.get("/", follow=True)
    assert page.status_code == 200
    nav = page.content.decode()
    for key in shown:
        assert f'id="nav-{key}"' in nav
    for item in MENU:
        if item.key not in shown:
            assert f'id="nav-{item.key}"' not in nav


def test_the_citizen_menu_is_the_citizens_and_home_leads_to_own_applications(tree, client):
    from yimen.web.menu import menu_for

    citizen = user_with(Role.APPLICANT, HUAYANG)
    keys = [item["key"] for item in menu_for(citizen)]
    assert keys[:2] == ["mine", "apply"]
    assert not {"tasks", "cases", "roster", "cycle", "medins", "settlement"} & set(keys)
    client.force_login(citizen)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/assistance/applications/mine/"


def test_anonymous_users_get_no_menu():
    from django.contrib.auth.models import AnonymousUser

    from yimen.web.menu import menu_for

    assert menu_for(AnonymousUser()) == []
