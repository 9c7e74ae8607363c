"""Move the old system's sheet in from the command line: the dry run (always), then, with
--import, the import of the same batch; or --batch N --import for a batch checked before.

    yimen roster_import 花名册.xlsx --division 220102 --user supervisor
    yimen roster_import 花名册.xlsx --division 220102 --user supervisor --import
    yimen roster_import units.xlsx --kind subsidy --scheme 3 --user subsidy
    yimen roster_import --batch 12 --import --user supervisor
"""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from yimen.errors import YimenError
from yimen.import_limits import read_bounded

from ...models import ImportBatch, Kind
from ...problems import message
from ...selectors import batch_for, problems_of
from ...services import batch_check, batch_import


class Command(BaseCommand):
    help = (
        "Check (dry run) and optionally import an old system's sheet (roster, units, certificates)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the sheet (.xlsx or .csv)")
        parser.add_argument("--kind", choices=Kind.values, default=Kind.ROSTER)
        parser.add_argument("--division", help="the area's division code (county, township…)")
        parser.add_argument("--scheme", type=int, help="subsidy scheme id (kind subsidy)")
        parser.add_argument("--user", required=True, help="username of the staff member")
        parser.add_argument("--mapping", help="JSON field → header, or @file.json")
        parser.add_argument("--import", dest="do_import", action="store_true")
        parser.add_argument("--batch", type=int, help="an existing batch (with --import)")
        parser.add_argument("--limit", type=int, default=200, help="problems printed (0: all)")

    def handle(self, *args, **opts):
        user = get_user_model().objects.filter(username=opts["user"]).first()
        if user is None:
            raise CommandError(f"无此用户 no such user: {opts['user']}")
        try:
            if opts["batch"]:
                batch = batch_for(user, opts["batch"])
            else:
                if not opts["file"]:
                    raise CommandError("给出文件或 --batch / give a file or --batch")
                path = Path(opts["file"])
                if not path.is_file():
                    raise CommandError(f"无此文件 no such file: {path}")
                batch = batch_check(
                    actor=user,
                    kind=opts["kind"],
                    division_code=opts["division"] or "",
                    data=read_bounded(path),
                    file_name=path.name,
                    mapping=self._mapping(opts["mapping"]),
                    scheme_id=opts["scheme"],
                )
                self._report(batch, opts["limit"])
            if opts["do_import"]:
                outcome = batch_import(actor=user, batch=batch)
                self.stdout.write(
                    f"已导入 imported: {outcome.imported}; 跳过 skipped: {outcome.skipped} "
                    f"(批次 batch {batch.pk})"
                )
        except YimenError as exc:
            raise CommandError(f"{exc.render('zh-hans')} / {exc.render('en')}") from exc

    def _mapping(self, raw: str | None):
        if not raw:
            return None
        text = Path(raw[1:]).read_text(encoding="utf-8") if raw.startswith("@") else raw
        try:
            return json.loads(text)
        except ValueError:
            raise CommandError("映射不是合法 JSON / the mapping is not valid JSON") from None

    def _report(self, batch: ImportBatch, limit: int) -> None:
        self.stdout.write(
            f"批次 batch {batch.pk}: {batch.rows} 行 rows, {batch.records} 条记录 records, "
            f"{batch.valid} 条可导入 valid, {batch.already_moved} 条已迁入 already moved in, "
            f"{batch.blocking} 个阻止导入的问题 blocking problems, {batch.notices} 个提示 notices"
        )
        rows = problems_of(batch).values_list(
            "row", "column", "code", "detail", "value", "blocking"
        )
        if limit:
            rows = rows[:limit]
        for row, column, code, detail, value, blocking in rows:
            with translation.override("zh-hans"):
                text = message(code, detail)
            mark = "" if blocking else " (提示 notice)"
            self.stdout.write(f"第 {row} 行 row {row} · {column} · {text}{mark} · {value}")
