"""Reconcile this node: transfers in flight, stuck messages, ledger mismatches."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from yimen.medins.reconcile import compare, node_report


class Command(BaseCommand):
    help = (
        "Report transfers in flight, undelivered messages and mismatches on this node; "
        "--compare FILE with the other node's --json report lists disagreements."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--compare", help="the other node's JSON report")

    def handle(self, *args, **options):
        report = node_report()
        if options["compare"]:
            theirs = json.loads(Path(options["compare"]).read_text(encoding="utf-8"))
            report["disagreements"] = compare(report, theirs)
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=1))
            return
        w = self.stdout.write
        w(f"节点 node {report['node']}  {report['at']}")
        w(f"账户余额合计 balance total: {report['balance_total_fen'] / 100:.2f} 元")
        w(f"在途转移 in flight: {len(report['in_flight'])}")
        for t in report["in_flight"]:
            flag = " 逾期 OVERDUE" if t["overdue"] else ""
            w(f"  {t['transfer_id']} {t['side']} {t['status']} 期限 due {t['due_on']}{flag}")
        w(
            f"待发消息 outbox pending: {report['outbox_pending']}; "
            f"超出重试期限 beyond horizon: {len(report['outbox_beyond_horizon'])}"
        )
        w(f"不一致 mismatches: {len(report['mismatches'])}")
        for m in report["mismatches"]:
            w(f"  {m}")
        for d in report.get("disagreements", []):
            w(f"  两端不一致 disagreement: {d}")
