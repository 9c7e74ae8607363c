"""How a service says what it tells whom: rules declared as data on its AppConfig.

A service lists its rules in a module of its own and names it on its AppConfig::

    class AssistanceConfig(AppConfig):
        notifications = "yimen.assistance.notifications.RULES"

Each rule names the audit event it follows and a function that, given the event,
returns the deliveries (who, which phone, the values the texts need). The texts are
gettext strings with ``%(name)s`` placeholders: the inbox renders them in the reader's
language when it is read; the SMS is rendered in Chinese when it is queued and kept as
sent. Nothing here is a listener: the dispatcher reads the audit log after the fact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Delivery:
    """One recipient of one notice: a user's inbox, a phone, or both."""

    user: Any = None
    phone: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    link: str = ""


@dataclass(frozen=True)
class Due:
    """Something falling due on a date (a household's review, a certificate's review):
    what ``NoticeRule.due`` finds. (kind, subject, ``due_on``) is told once."""

    subject_type: str
    subject_id: str
    due_on: date


@dataclass(frozen=True)
class NoticeRule:
    """What one kind of event tells its recipients.

    ``kind`` is stable (it keys opt-outs and the once-per-event constraint); ``optional``
    says whether a recipient may opt out of the SMS (a decision the law requires to be
    served is not optional); ``urgent`` messages ignore quiet hours.

    A rule with ``due`` follows no action but the calendar: ``due(today)`` lists what is
    due to be told that day; the daily ``yimen notify_due`` writes one
    ``notify.notice_due`` audit event per new (kind, subject, date), and the dispatcher
    tells it like any event (its ``event_type`` is ``EventType.NOTICE_DUE``)."""

    kind: str
    event_type: str
    label: Promise | str
    title: Promise | str
    text: Promise | str
    deliveries: Callable[[Any], list[Delivery]]
    optional: bool = True
    urgent: bool = False
    due: Callable[[date], Iterable[Due]] | None = None

    def follows(self, event: Any) -> bool:
        """Whether this rule tells ``event``: a due rule only its own kind's reminders."""
        if self.due is None:
            return True
        return (event.new or {}).get("kind") == self.kind


def declared_rules() -> list[NoticeRule]:
    """Every installed app's rules, in app order."""
    found: list[NoticeRule] = []
    for config in apps.get_app_configs():
        path = getattr(config, "notifications", None)
        if path:
            found.extend(import_string(path))
    return found


def rules_by_kind() -> dict[str, NoticeRule]:
    return {rule.kind: rule for rule in declared_rules()}


def render(template: Promise | str, params: Mapping[str, Any]) -> str:
    """A rule's text with its values, in the active language; a missing value shows as
    an empty string rather than failing a whole page of notices."""
    text = str(template)
    try:
        return text % _Lenient(params)
    except (TypeError, ValueError):
        return text


class _Lenient(dict):
    def __init__(self, params: Mapping[str, Any]) -> None:
        super().__init__(params)

    def __missing__(self, key: str) -> str:
        return ""
