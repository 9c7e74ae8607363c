"""`yimen backup`: the database and the data directory, encrypted, into a new directory;
`yimen backup --keygen` makes the key file (kept apart from both). See docs/operations.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yimen.privacy.backup import BackupRefused, backup_make, check_key_apart
from yimen.privacy.backup_crypto import BackupKeyError, read_key, write_new_key


def key_file_of(options: dict[str, Any]) -> Path:
    configured = options.get("key_file") or getattr(settings, "BACKUP_KEY_FILE", "")
    if not configured:
        raise CommandError(
            "name the backup key file: --key-file or YIMEN_BACKUP_KEY_FILE / 请指定备份密钥文件"
        )
    return Path(configured)


class Command(BaseCommand):
    help = "Back up the database and the data directory, encrypted (加密备份数据库和数据目录)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", default="", help="the directory backups are written to")
        parser.add_argument("--key-file", default="", help="the backup key (kept apart)")
        parser.add_argument(
            "--keygen", action="store_true", help="create the key file (never overwrites)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        key_file = key_file_of(options)
        if options["keygen"]:
            if key_file.exists():
                raise CommandError(f"{key_file} exists already / 密钥文件已存在，不会覆盖")
            try:
                check_key_apart(key_file, Path(settings.DATA_DIR))
            except BackupRefused as exc:
                raise CommandError(str(exc)) from exc
            made = write_new_key(key_file)
            self.stdout.write(
                self.style.SUCCESS(
                    f"备份密钥已写入 {key_file}（仅所有者可读），密钥编号 {made} / "
                    f"backup key written to {key_file} (owner only), key id {made}"
                )
            )
            return
        out = options["out"] or getattr(settings, "BACKUP_DIR", "")
        if not out:
            raise CommandError(
                "name the backup directory: --out or YIMEN_BACKUP_DIR / 请指定备份目录"
            )
        try:
            key = read_key(key_file)
            made = backup_make(out_dir=Path(out), key=key, key_file=key_file)
        except (BackupRefused, BackupKeyError) as exc:
            raise CommandError(str(exc)) from exc
        sizes = ", ".join(f"{n} {f['size']} B" for n, f in made.manifest["files"].items())
        self.stdout.write(
            self.style.SUCCESS(f"备份完成 / backup written: {made.directory} ({sizes})")
        )
