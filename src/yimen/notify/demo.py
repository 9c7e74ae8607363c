"""Demo: the notices and texts the demo's own events caused, so the inbox is not empty."""

from __future__ import annotations

from .dispatch import dispatch_all
from .sending import send_due


def load() -> str:
    dispatched = dispatch_all()
    sent = send_due(limit=100_000)
    return (
        f"{dispatched.notices} 条站内通知 notices, {dispatched.messages} 条短信 texts "
        f"({sent.sent} 已写入 written to the demo gateway file)"
    )
