"""`yimen load_divisions [--file PATH]`: load the division tree; safe to run again."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yimen.regions.loading import (
    DEFAULT_FILE,
    DivisionFileError,
    divisions_load,
    read_division_file,
)


class Command(BaseCommand):
    help = (
        "Load the shipped administrative divisions (Jilin, Hainan) or --file PATH; "
        "rerunning changes nothing. / 导入行政区划，可重复执行。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            default=DEFAULT_FILE,
            help="a division file of the same format (# comments, then code,name rows)",
        )

    def handle(self, *args, file: Path, **options):
        try:
            rows = read_division_file(file)
        except (OSError, DivisionFileError) as error:
            raise CommandError(str(error)) from error
        result = divisions_load(rows=rows)
        self.stdout.write(
            f"{file.name}: {result.in_file} divisions in the file — "
            f"created {result.created}, updated {result.updated}, "
            f"unchanged {result.unchanged}; {result.kept} other divisions kept. "
            f"/ 新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}，"
            f"保留文件外区划 {result.kept}。"
        )
