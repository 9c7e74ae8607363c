"""Labels, not codes: the filters every page uses to show a stored value to a person.

House rule 14: a status, type, role, outcome or division is shown by its name in the
user's language, and money always with two decimals and thousands separators. The
library is a template builtin (settings.TEMPLATES), so no page needs ``{% load %}``.
"""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.functional import Promise

from yimen.accounts.roles import Role
from yimen.money import format_fen, format_yuan
from yimen.regions.codes import InvalidCode, normalize_code
from yimen.regions.models import Division
from yimen.workflow.case_facts import kind_choices
from yimen.workflow.process import Step
from yimen.workflow.registry import all_processes

register = template.Library()


@register.filter(is_safe=True)
def yuan(value) -> str:
    """Money in yuan for a page: ``{{ amount|yuan }}``."""
    return format_yuan(value)


@register.filter(is_safe=True)
def fen_yuan(fen) -> str:
    """An amount kept in fen (分, an integer) shown as yuan: ``123456`` → ``1,234.56``."""
    if fen is None or fen == "":
        return ""
    try:
        return format_fen(int(fen))
    except (TypeError, ValueError):
        return str(fen)


@register.filter
def money_cell(value):
    """A table cell of mixed figures: a ``Decimal`` is money in this project (house rule 8),
    shown as yuan; counts and everything else unchanged."""
    return format_yuan(value) if isinstance(value, Decimal) else value


@register.filter
def role_label(code) -> str | Promise:
    """A role code (``township_caseworker``) as its name (乡镇（街道）经办人)."""
    if not code:
        return ""
    try:
        return Role(code).label
    except ValueError:
        return str(code)


def _outcome_labels() -> dict[str, str | Promise]:
    labels: dict[str, str | Promise] = {}
    for process in all_processes():
        for stage in process.stages:
            for step in stage.steps:
                for outcome in step.outcomes:
                    labels.setdefault(outcome.code, outcome.label)
    return labels


@register.filter
def outcome_label(code, step: Step | None = None) -> str | Promise:
    """A step's outcome code (``accepted``) as its label: ``{{ task.outcome|outcome_label:step }}``.

    Without the step (a timeline event), the label of that code in any declared process —
    the processes share their outcome words (done, refused…)."""
    if not code:
        return ""
    if isinstance(step, Step):
        outcome = step.outcome(code)
        if outcome is not None:
            return outcome.label
    return _outcome_labels().get(code, code)


@register.filter
def division_name(code, names: dict | None = None) -> str:
    """A division code (``220102001001``) as its name (华阳社区); a Division as its name.

    A page listing many rows passes the names it read in one query,
    ``{{ row.division_id|division_name:names }}``; alone, the filter reads the one row."""
    if isinstance(code, Division):
        return code.name
    if not code:
        return ""
    if isinstance(names, dict) and code in names:
        return names[code]
    try:
        full = normalize_code(str(code))  # a pooling region is often written 220100
    except InvalidCode:
        return str(code)
    name = Division.objects.filter(pk=full).values_list("name", flat=True).first()
    return name or str(code)


@register.filter
def case_kind(code) -> str | Promise:
    """A kind of case a service names (an assistance type ``dibao``) as its name
    (最低生活保障); the services declare their kinds (workflow/case_facts.py)."""
    if not code:
        return ""
    return dict(kind_choices()).get(str(code), str(code))


# the name the benefits pages use for it
assistance_type = register.filter("assistance_type", case_kind)
