"""`yimen restore --from DIR --yes`: put back the database and the data directory from an
encrypted backup (the newest under DIR when DIR holds several). Replaces the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yimen.privacy.backup import BackupRefused, backup_restore, latest_backup
from yimen.privacy.backup_crypto import BackupCorrupt, BackupKeyError, read_key

from .backup import key_file_of


class Command(BaseCommand):
    help = "Restore the database and the data directory from an encrypted backup (从加密备份恢复)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="source", required=True, help="a backup directory")
        parser.add_argument("--key-file", default="", help="the backup key")
        parser.add_argument(
            "--yes", action="store_true", help="confirm: the database is replaced by the backup"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["source"])
        directory = source if (source / "manifest.json").is_file() else latest_backup(source)
        if directory is None:
            raise CommandError(f"no backup in {source} / {source} 中没有备份")
        if not options["yes"]:
            raise CommandError(
                f"restoring {directory} replaces the database "
                f"{settings.DATABASES['default']['NAME']}; "
                "run again with --yes / 恢复将覆盖当前数据库，确认请加 --yes"
            )
        try:
            key_file = key_file_of(options)
            manifest = backup_restore(
                directory=directory, key=read_key(key_file), key_file=key_file
            )
        except (BackupRefused, BackupKeyError, BackupCorrupt) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"已从 {directory} 恢复（{manifest['made_at']}）/ restored from {directory} "
                f"(made {manifest['made_at']})"
            )
        )
