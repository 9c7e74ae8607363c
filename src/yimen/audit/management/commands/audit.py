"""`yimen audit verify`, `yimen audit show --subject TYPE:ID`, `yimen audit checkpoint`
(export a signed checkpoint of the chain head) and `yimen audit keygen` (make the key)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.audit.anchor import checkpoint_create
from yimen.audit.keys import write_key_file
from yimen.audit.models import AuditEvent
from yimen.audit.selectors import events_for_subject
from yimen.audit.verify import ANCHORED, NOT_KEYED, bilingual, verify_chain
from yimen.errors import YimenError

INTACT_BEFORE = _("%(count)s events before it are intact")
BAD_SUBJECT = _("subject must be written TYPE:ID, for example workflow.case:42; got %(value)s")
NO_EVENTS = _("no audit events for %(subject)s")
SYSTEM = _("system")
TIMELINE = _("%(count)s audit events for %(subject)s")
CHECKPOINT_WRITTEN = _("signed checkpoint of #%(seq)s written to %(path)s")
KEY_WRITTEN = _(
    "audit key written to %(path)s (readable by its owner only); public key for auditors: "
    "%(public)s"
)
KEY_EXISTS = _("%(path)s exists already: an audit key is never overwritten")
NO_KEY_FILE = _("no key file is configured (YIMEN_AUDIT_KEY_FILE)")


class Command(BaseCommand):
    help = (
        "Audit log: verify the hash chain, or show a subject's timeline "
        "(审计日志：校验哈希链、查看对象的事件时间线)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{verify,show,checkpoint,keygen}"
        )
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

        checkpoint = actions.add_parser(
            "checkpoint",
            help="verify what is new and export a signed checkpoint of the chain head "
            "(run from cron)",
        )
        checkpoint.add_argument(
            "--seal-head",
            action="store_true",
            help="seal a head written before the audit key existed (first run only)",
        )
        actions.add_parser("keygen", help="create the audit key file (never overwrites)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self._verify(batch=options["batch"])
        elif options["action"] == "checkpoint":
            self._checkpoint(seal_head=options["seal_head"])
        elif options["action"] == "keygen":
            self._keygen()
        else:
            self._show(subject=options["subject"])

    def _checkpoint(self, *, seal_head: bool) -> None:
        try:
            made = checkpoint_create(seal_head=seal_head)
        except YimenError as exc:
            raise CommandError(f"{bilingual(exc.message, **exc.params)} [{exc.code}]") from exc
        self.stdout.write(
            self.style.SUCCESS(bilingual(CHECKPOINT_WRITTEN, seq=made.seq, path=str(made.path)))
        )

    def _keygen(self) -> None:
        configured = str(getattr(settings, "AUDIT_KEY_FILE", "") or "")
        if not configured:
            raise CommandError(bilingual(NO_KEY_FILE))
        path = Path(configured)
        if path.exists():
            raise CommandError(bilingual(KEY_EXISTS, path=str(path)))
        public = write_key_file(path)
        self.stdout.write(self.style.SUCCESS(bilingual(KEY_WRITTEN, path=str(path), public=public)))

    def _verify(self, *, batch: int) -> None:
        result = verify_chain(batch=max(batch, 1))
        if not result.ok:
            raise CommandError(
                f"{result.message} [{result.problem}] "
                f"({bilingual(INTACT_BEFORE, count=result.checked)})"
            )
        self.stdout.write(self.style.SUCCESS(result.message))
        if not result.keyed:
            self.stdout.write(self.style.WARNING(bilingual(NOT_KEYED)))
        else:
            self.stdout.write(
                bilingual(ANCHORED, count=result.checkpoints, latest=result.latest_checkpoint)
            )

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
