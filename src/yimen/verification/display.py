"""What people see of a verification report: labels, and the case pages' context.

``case_report_context`` feeds the include on the staff case page (the full report for
those who may read verification reports of the division: township caseworkers and
approvers, county supervisors); ``applicant_summary`` feeds the applicant's status page
(what differs from the declaration, without the partners' record references)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import can

from .models import VerificationReport
from .reports import ITEMS
from .sources import SOURCES

# the items whose figures are money (yuan), shown with two decimals; the others are counts
MONEY_ITEMS = frozenset(item.code for item in ITEMS if item.money)

ITEM_LABELS = {
    "deposits": _("Bank deposits"),
    "securities": _("Securities"),
    "cars": _("Non-exempt vehicles"),
    "homes": _("Homes"),
    "market_entities": _("Active market-entity registrations"),
    "wages": _("Monthly wages (tax records)"),
    "pension": _("Monthly pension"),
}
FLAG_LABELS = {
    "non_exempt_vehicle": _("Owns a non-exempt vehicle"),
    "multiple_homes": _("More than one home"),
    "market_entity": _("Registered market entity"),
    "wages_above_declared": _("Wages above the declared income"),
}


def source_label(code: str):
    source = SOURCES.get(code)
    return source.label if source else code


def report_view(report: VerificationReport, *, full: bool) -> dict:
    """The report with labels; ``full`` adds totals per source and record references."""
    differences = [
        {
            **d,
            "label": ITEM_LABELS.get(d["item"], d["item"]),
            "source_label": source_label(d["source"]),
            "money": d["item"] in MONEY_ITEMS,
        }
        for d in report.differences
    ]
    view = {
        "report": report,
        "full": full,
        "flags": [FLAG_LABELS.get(f, f) for f in report.flags],
        "differences": differences,
    }
    if full:
        view["totals"] = [
            {"source": code, "label": source_label(code), **entry}
            for code, entry in report.totals.items()
        ]
        for d in differences:
            d["refs"] = [r.split(":", 1)[1] for r in d["records"]]
    else:
        for d in differences:
            d.pop("records", None)
    return view


def latest_report(application) -> VerificationReport | None:
    return (
        VerificationReport.objects.filter(application=application)
        .order_by("-created_at", "-id")
        .first()
    )


def case_report_context(user, application) -> dict | None:
    """The staff case page's verification section, or None when there is none to show."""
    if not can(user, Action.VERIFICATION_VIEW, application.division_id):
        return None
    report = latest_report(application)
    return report_view(report, full=True) if report else None


def applicant_summary(application) -> dict | None:
    """The applicant's summary: flags and differences, no partner record references."""
    report = latest_report(application)
    return report_view(report, full=False) if report else None
