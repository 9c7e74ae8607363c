"""Reconcile this node: transfers in flight, stuck messages, ledger mismatches."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yimen.errors import YimenError
from yimen.medins.models import PeerLink
from yimen.medins.peers import release
from yimen.medins.reconcile import compare, node_report
from yimen.money import format_fen


class Command(BaseCommand):
    help = (
        "Report transfers in flight, undelivered messages and mismatches on this node; "
        "--compare FILE with the other node's --json report lists disagreements."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--compare", help="the other node's JSON report")
        parser.add_argument(
            "--release",
            metavar="PEER",
            help="lift the hold for reconciliation with PEER (needs --reason; audited)",
        )
        parser.add_argument("--reason", default="", help="what was reconciled (for --release)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="release although the last comparison disagreed (after a manual repair)",
        )

    def handle(self, *args, **options):
        if options["release"]:
            try:
                link = release(
                    peer=options["release"], reason=options["reason"], force=options["force"]
                )
            except YimenError as exc:
                raise CommandError(exc.render()) from exc
            self.stdout.write(
                f"节点已解除暂停 node released (peer {link.peer}); "
                f"next sequence number {link.last_seq_sent + 1}"
            )
            return
        report = node_report()
        if options["compare"]:
            theirs = json.loads(Path(options["compare"]).read_text(encoding="utf-8"))
            report["disagreements"] = compare(report, theirs)
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=1))
            return
        w = self.stdout.write
        w(f"节点 node {report['node']}  {report['at']}")
        total = format_fen(report["balance_total_fen"], grouped=False)
        w(f"账户余额合计 balance total: {total} 元")
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
        for link in PeerLink.objects.all():
            state = (
                f"暂停 HELD since {link.held_since}: {link.hold_reason}"
                if link.held_since
                else "正常 ok"
            )
            w(
                f"对端 peer {link.peer}: {state}; 已发序号 sent {link.last_seq_sent}, "
                f"已收序号 received {link.highest_seq_received}; "
                f"上次比对 compared {link.compared_at or '—'}, "
                f"不一致 disagreements {len(link.disagreements)}"
            )
            for d in link.disagreements:
                w(f"    {d}")
