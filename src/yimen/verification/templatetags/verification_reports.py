"""The verification section of assistance's pages, filled by verification itself.

Verification reads assistance's applications, so assistance's views may not import it;
its templates ask for the report here instead (``{% load verification_reports %}``), and
render it with ``verification/_case_report.html``."""

from __future__ import annotations

from django import template

from ..display import applicant_summary, case_report_context

register = template.Library()


@register.simple_tag
def case_report(user, application) -> dict | None:
    """The staff case page's report (None if the user may not read it or there is none)."""
    return case_report_context(user, application)


@register.simple_tag
def applicant_report(application) -> dict | None:
    """The applicant's summary on the status page."""
    return applicant_summary(application)
