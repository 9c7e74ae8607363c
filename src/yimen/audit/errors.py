"""Coded errors of audit: a stable code, Chinese and English text (house rule 7)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yimen.errors import Conflict


class NoAuditKey(Conflict):
    code = "audit.no_key"

    def __init__(self):
        super().__init__(
            _(
                "No audit key is configured (YIMEN_AUDIT_KEY or the key file): run "
                "“yimen audit keygen” first."
            )
        )


class NoCheckpointDir(Conflict):
    code = "audit.no_checkpoint_dir"

    def __init__(self):
        super().__init__(_("No checkpoint directory is configured (YIMEN_AUDIT_CHECKPOINT_DIR)."))


class ChainNotIntact(Conflict):
    code = "audit.not_intact"

    def __init__(self, message: str):
        super().__init__(
            _("No checkpoint was written: the chain is not intact. %(problem)s"),
            problem=message,
        )


class AppendOnlyError(RuntimeError):
    """An attempt to change or delete an audit event."""
