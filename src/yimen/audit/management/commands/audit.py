"""`yimen audit verify` and `yimen audit show --subject TYPE:ID`."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.audit.models import AuditEvent
from yimen.audit.selectors import events_for_subject
from yimen.audit.verify import bilingual, verify_chain

INTACT_BEFORE = _("%(count)s events before it are intact")
BAD_SUBJECT = _("subject must be written TYPE:ID, for example workflow.case:42; got %(value)s")
NO_EVENTS = _("no audit events for %(subject)s")
SYSTEM = _("system")
TIMELINE = _("%(count)s audit events for %(subject)s")


class Command(BaseCommand):
    help = (
        "Audit log: verify the hash chain, or show a subject's timeline "
        "(审计日志：校验哈希链、查看对象的事件时间线)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{verify,show}")
        verify = actions.add_parser(
            "verify", help="check every event's hash and link, and the chain head"
        )
        verify.add_argument(
            "--batch", type=int, default=5000, help="events read per database round trip"
        )
        show = actions.add_parser("show", help="print the timeline of one subject")
        show.add_argument(
            "--subject",
            required=True,
            metavar="TYPE:ID",
            help="the subject as logged, e.g. workflow.case:42 or accounts.user:7",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self._verify(batch=options["batch"])
        else:
            self._show(subject=options["subject"])

    def _verify(self, *, batch: int) -> None:
        result = verify_chain(batch=max(batch, 1))
        if not result.ok:
            raise CommandError(
                f"{result.message} [{result.problem}] "
                f"({bilingual(INTACT_BEFORE, count=result.checked)})"
            )
        self.stdout.write(self.style.SUCCESS(result.message))

    def _show(self, *, subject: str) -> None:
        subject_type, sep, subject_id = subject.rpartition(":")
        if not sep or not subject_type or not subject_id:
            raise CommandError(bilingual(BAD_SUBJECT, value=subject))
        events = events_for_subject((subject_type, subject_id))
        count = events.count()
        if not count:
            self.stdout.write(bilingual(NO_EVENTS, subject=subject))
            return
        self.stdout.write(bilingual(TIMELINE, count=count, subject=subject))
        for event in events.iterator(chunk_size=2000):
            self.stdout.write(_line(event))


def _line(event: AuditEvent) -> str:
    at = timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M:%S")
    who = event.actor_name or str(SYSTEM)
    if event.role:
        who += f" ({event.role}"
        who += f" @ {event.division_code})" if event.division_code else ")"
    parts = [f"#{event.seq}", at, event.event_type, who]
    if event.signer_name:
        parts.append(f"signer={event.signer_name}")
    if event.old is not None or event.new is not None:
        parts.append(f"{_compact(event.old)} -> {_compact(event.new)}")
    if event.reason:
        parts.append(f"reason={event.reason}")
    return "  ".join(parts)


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
