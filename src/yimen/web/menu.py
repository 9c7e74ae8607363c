"""The workbench menu, as data: one row per item with the URL it opens and the actions
(any of) it needs, checked against ``accounts.roles.PERMISSIONS`` through the user's
bindings. A user sees an item only when some binding's role carries one of its actions,
so no menu link leads to a 403 or a 404 (tests/accounts/test_permissions.py asks every
role's links for a 200).

A new service adds its page in one line, e.g.
``MenuItem("subsidy", _("Straw subsidy"), "subsidy:index", {A.SUBSIDY_REVIEW})``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action, Role, role_allows
from yimen.accounts.scoping import bindings_of

A = Action


@dataclass(frozen=True)
class MenuItem:
    """One link of the menu. ``needs`` is "any of": empty means every signed-in user.
    ``when`` narrows further on the user's own data (a citizen linked to an insured person):
    the dotted path of a service's predicate ``(user) -> bool``, imported when the menu is
    drawn, so the shell names pages and predicates as strings and imports no service."""

    key: str
    label: Promise
    url_name: str
    needs: frozenset[Action] = field(default_factory=frozenset)
    when: str | None = None

    def shown_to_roles(self, roles: set[Role]) -> bool:
        if not self.needs:
            return True
        return any(role_allows(role, action) for role in roles for action in self.needs)


def _item(key, label, url_name, needs=(), when=None) -> MenuItem:
    return MenuItem(key, label, url_name, frozenset(needs), when)


#: The whole menu, in display order.
MENU: list[MenuItem] = [
    # staff work on cases
    _item("tasks", _("My tasks"), "web:home", {A.CASE_VIEW, A.MEDINS_HANDLE}),
    _item("cases", _("Cases"), "web:case_list", {A.CASE_VIEW}),
    _item("assistance", _("Assistance"), "assistance_overview:page", {A.CASE_VIEW}),
    _item(
        "new",
        _("New application"),
        "assistance:application_new",
        {A.CASE_OPEN, A.CASE_REPORT},
    ),
    _item("cycle", _("Cycle"), "assistance_cycles:page", {A.CASE_VERIFY, A.CASE_DECIDE}),
    _item("roster", _("Roster"), "benefits:roster", {A.ROSTER_VIEW}),
    _item("verification", _("Verification"), "verification:index", {A.VERIFICATION_VIEW}),
    _item("county", _("County supervision"), "supervision:case_list", {A.CASE_SUPERVISE}),
    _item("statistics", _("Statistics"), "supervision:dashboard_home", {A.STATS_VIEW}),
    # medical insurance
    _item("medins", _("Medical insurance"), "medins:index", {A.MEDINS_HANDLE}),
    _item("settlement", _("Cross-region settlement"), "settlement:filings", {A.MEDINS_HANDLE}),
    _item("hospital", _("My institution"), "settlement:hospital", {A.MEDINS_SETTLE}),
    # --- issue 19: safety exams ---
    _item("exams", _("Safety exams"), "exams:index", {A.EXAM_VIEW}),
    _item("exam_sessions", _("Exam sessions"), "exams:sessions", {A.EXAM_VIEW}),
    _item("exam_certificates", _("Certificates"), "exams:certificates", {A.EXAM_VIEW}),
    _item("exam_statistics", _("Exam statistics"), "exams:statistics", {A.EXAM_VIEW}),
    _item("exam_employer", _("My staff's exams"), "exams:employer", {A.EXAM_ENROL}),
    _item("exam_mine", _("My safety exams"), "exams:mine", {A.EXAM_SIT}),
    # --- end issue 19 ---
    # --- issue 17: straw-to-meat subsidy ---
    _item("subsidy", _("Straw subsidy"), "subsidy:index", {A.SUBSIDY_VIEW, A.SUBSIDY_SUPERVISE}),
    _item(
        "subsidy_applications",
        _("Subsidy applications"),
        "subsidy:applications",
        {A.SUBSIDY_VIEW},
    ),
    _item("subsidy_payments", _("Subsidy payments"), "subsidy:payments", {A.SUBSIDY_VIEW}),
    _item("subsidy_progress", _("Programme progress"), "subsidy:progress", {A.SUBSIDY_STATS}),
    _item(
        "subsidy_county",
        _("Subsidy supervision"),
        "supervision:subsidy_cases",
        {A.SUBSIDY_SUPERVISE},
    ),
    _item("subsidy_mine", _("My subsidy application"), "subsidy:mine", {A.SUBSIDY_APPLY}),
    # --- end issue 17 ---
    # --- issue 18: straw-burning supervision ---
    _item("burning", _("Straw burning"), "burning:index", {A.BURNING_VIEW}),
    _item("burning_mine", _("My fire cases"), "burning:mine", {A.BURNING_VERIFY}),
    _item("burning_map", _("Fire-point map"), "burning:map", {A.BURNING_VIEW}),
    _item("burning_reports", _("Dispatch and bulletin"), "burning:reports", {A.BURNING_VIEW}),
    _item(
        "burning_account",
        _("Accountability"),
        "burning:accountability",
        {A.BURNING_ACCOUNT, A.BURNING_INSPECT},
    ),
    _item("burning_rechecks", _("Re-checks"), "burning:rechecks", {A.BURNING_SUPERVISE}),
    _item(
        "county_burning", _("Fire cases (county)"), "supervision:burning_cases", {A.CASE_SUPERVISE}
    ),
    # --- end issue 18 ---
    # --- issue 22 item 2: complaints and re-examination ---
    _item("complaints", _("Reports"), "complaints:reports", {A.COMPLAINT_VIEW}),
    _item(
        "reexams",
        _("Re-examinations"),
        "complaints:reexams",
        {A.REEXAM_REGISTER, A.CASE_DECIDE, A.COMPLAINT_VIEW},
    ),
    _item("complaint_settings", _("Complaint clocks"), "complaints:settings", {A.ACCOUNT_MANAGE}),
    # --- end issue 22 item 2 ---
    # --- issue 23: personal data protection ---
    _item("access_log", _("Personal-data access log"), "privacy:access_log", {A.ACCESS_LOG_VIEW}),
    _item("legal_holds", _("Legal holds"), "privacy:holds", {A.LEGAL_HOLD, A.ACCESS_LOG_VIEW}),
    _item(
        "data_requests",
        _("Requests about personal data"),
        "privacy:requests",
        {A.SUBJECT_REQUEST_HANDLE},
    ),
    # --- end issue 23 ---
    # --- issue 22 item 4: moving in from the old system ---
    _item(
        "moving_in",
        _("Moving in from the old system"),
        "rostermove:batches",
        {A.ROSTER_MIGRATE, A.SUBSIDY_MIGRATE, A.EXAM_MIGRATE},
    ),
    # --- end issue 22 item 4 ---
    # the citizen
    _item("mine", _("My applications"), "assistance:mine", {A.CASE_VIEW_OWN}),
    _item("apply", _("Apply for assistance"), "assistance:application_new", {A.CASE_APPLY}),
    _item(
        "my_filings",
        _("My filings for care away from home"),
        "settlement:my_filings",
        {A.CASE_VIEW_OWN},
        "yimen.settlement.menu.linked_to_insured_person",
    ),
    _item(
        "my_transfers",
        _("My insurance transfers"),
        "medins:mine",
        {A.CASE_VIEW_OWN},
        "yimen.medins.menu.node_configured",
    ),
    # issue 22 item 2: the citizen's reports and re-examinations
    _item(
        "my_complaints",
        _("My reports and re-examinations"),
        "complaints:mine",
        {A.CASE_VIEW_OWN},
    ),
    # administration
    _item("accounts", _("Users and roles"), "accounts:manage_users", {A.ACCOUNT_MANAGE}),
    _item(
        "settings",
        _("Time limits and cycles"),
        "assistance_settings:index",
        {A.ACCOUNT_MANAGE},
    ),
    # everyone
    _item("notifications", _("Notifications"), "notify:inbox"),
    # --- issue 23: a person's own data, last of the citizen's items ---
    _item("my_data", _("My personal data"), "privacy:mine", {A.SUBJECT_REQUEST_OWN}),
]


def menu_for(user) -> list[dict]:
    """The items ``user`` may open, as {key, label, url}; nothing for anonymous users.

    An item both the staff and the citizen rows lead to (the entry form) is shown once."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    roles = {b.role for b in bindings_of(user)}
    shown: list[dict] = []
    urls: set[str] = set()
    for item in MENU:
        if not item.shown_to_roles(roles):
            continue
        if item.needs and not roles:
            continue
        if item.when is not None and not import_string(item.when)(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # the page is not mounted here (a partial URL conf)
            continue
        if url in urls:
            continue
        urls.add(url)
        shown.append({"key": item.key, "label": item.label, "url": url})
    return shown
