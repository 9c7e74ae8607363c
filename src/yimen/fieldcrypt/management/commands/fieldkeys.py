"""`yimen fieldkeys keygen PATH` (make a master key file), `yimen fieldkeys status` (the
keys and rotations per table) and `yimen fieldkeys rotate [--table T] [--batch N]
[--max-batches N]` (re-encrypt under new data keys, resumable: a rerun continues)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from yimen.fieldcrypt import keys
from yimen.fieldcrypt.models import DataKey, Rotation
from yimen.fieldcrypt.rotation import BATCH, encrypted_tables, rotate


class Command(BaseCommand):
    help = "Field encryption keys: make the master key, show the keys, rotate data keys"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        keygen = actions.add_parser("keygen", help="write a new master key file")
        keygen.add_argument("path", type=Path)
        actions.add_parser("status", help="each table's active key and rotation")
        rotate_ = actions.add_parser("rotate", help="re-encrypt under new data keys")
        rotate_.add_argument("--table", action="append", default=[], help="only this table")
        rotate_.add_argument("--batch", type=int, default=BATCH, help="rows per transaction")
        rotate_.add_argument(
            "--max-batches", type=int, default=None, help="stop after N batches (rerun continues)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["action"])(**options)

    def _keygen(self, *, path: Path, **_options: Any) -> None:
        keys.check_key_file_apart(path)
        try:
            kid = keys.write_new_key(path)
        except FileExistsError:
            raise CommandError(
                _("%(path)s exists already: a key is never overwritten") % {"path": path}
            ) from None
        self.stdout.write(
            _("master key %(kid)s written to %(path)s (readable by its owner only)")
            % {"kid": kid, "path": path}
        )

    def _status(self, **_options: Any) -> None:
        for table in encrypted_tables():
            active = DataKey.objects.filter(table=table.name, active=True).first()
            retired = DataKey.objects.filter(table=table.name, active=False).count()
            line = _("%(table)s: key %(kid)s, %(retired)s retired") % {
                "table": table.name,
                "kid": active.kid if active else "-",
                "retired": retired,
            }
            open_ = Rotation.objects.filter(table=table.name, finished_at__isnull=True).first()
            if open_ is not None:
                line += " · " + _("rotation unfinished: %(done)s of %(total)s") % {
                    "done": open_.done,
                    "total": open_.total,
                }
            self.stdout.write(line)

    def _rotate(
        self, *, table: list[str], batch: int, max_batches: int | None, **_options: Any
    ) -> None:
        tables = encrypted_tables()
        unknown = set(table) - {t.name for t in tables}
        if unknown:
            raise CommandError(
                _("no encrypted table %(names)s") % {"names": ", ".join(sorted(unknown))}
            )
        if batch < 1:
            raise CommandError(_("--batch must be at least 1"))
        left = max_batches
        for each in tables:
            if table and each.name not in table:
                continue
            if left is not None and left <= 0:
                self.stdout.write(_("stopped; run the command again to continue"))
                return

            def report(state: Rotation, name: str = each.name) -> None:
                self.stdout.write(
                    _("%(table)s: %(done)s of %(total)s values re-encrypted (batch %(batch)s)")
                    % {
                        "table": name,
                        "done": state.done,
                        "total": state.total,
                        "batch": state.batches,
                    }
                )

            before = Rotation.objects.filter(table=each.name, finished_at__isnull=True).first()
            state = rotate(each, batch=batch, max_batches=left, progress=report)
            if left is not None:
                left -= state.batches - (before.batches if before else 0)
            if state.finished_at is None:
                self.stdout.write(_("stopped; run the command again to continue"))
                return
            self.stdout.write(
                _("%(table)s: now under key %(kid)s")
                % {"table": each.name, "kid": state.target_kid}
            )
