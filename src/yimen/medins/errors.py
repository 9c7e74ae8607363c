"""Stable error codes of medical insurance (codes never change once published)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yimen.errors import Conflict, Invalid, NotFound

from .models import TransferStatus


class InsufficientBalance(Invalid):
    code = "medins.insufficient_balance"

    def __init__(self, *, balance_fen: int, amount_fen: int):
        super().__init__(
            _(
                "The personal account holds %(balance)s fen; a debit of %(amount)s fen would "
                "make it negative. Nothing was posted."
            ),
            balance=balance_fen,
            amount=-amount_fen,
        )


class ZeroPosting(Invalid):
    code = "medins.zero_posting"

    def __init__(self):
        super().__init__(_("A ledger posting of zero fen is not recorded."))


class UnknownEntryKind(Invalid):
    code = "medins.unknown_entry_kind"

    def __init__(self, kind):
        super().__init__(_("“%(kind)s” is not a kind of account entry."), kind=kind)


class PostingConflict(Conflict):
    code = "medins.posting_conflict"

    def __init__(self, *, kind, reference):
        super().__init__(
            _(
                "Posting %(kind)s/%(reference)s was already made with another person or "
                "amount; the first posting stands."
            ),
            kind=kind,
            reference=reference,
        )


class InsuredNotFound(NotFound):
    code = "medins.insured_not_found"

    def __init__(self):
        super().__init__(_("No such insured person at this node."))


class NotANode(Conflict):
    code = "medins.not_a_node"

    def __init__(self):
        super().__init__(
            _("This deployment is not configured as a medical-insurance node (see the docs).")
        )


class TransferNotFound(NotFound):
    code = "medins.transfer_not_found"

    def __init__(self):
        super().__init__(_("No such transfer, or it is outside your area."))


class FormOfAnotherTransfer(Invalid):
    code = "medins.form_of_another_transfer"

    def __init__(self, *, form_transfer, transfer):
        super().__init__(
            _(
                "The sealed information form belongs to transfer %(form)s, not to transfer "
                "%(transfer)s; it was not applied and nothing was credited."
            ),
            form=form_transfer,
            transfer=transfer,
        )


class NodeHeld(Conflict):
    code = "medins.node_held"

    def __init__(self, reason: str = ""):
        super().__init__(
            _(
                "This insurance node is held for reconciliation with its peer (%(reason)s); "
                "no transfer can be applied for or processed until the operators release it."
            ),
            reason=reason,
        )


class WrongState(Conflict):
    code = "medins.wrong_state"

    def __init__(self, transfer, target):
        super().__init__(
            _("Transfer %(number)s is “%(status)s”; it cannot become “%(target)s”."),
            number=transfer.transfer_id,
            status=transfer.get_status_display(),
            target=TransferStatus(target).label,
        )
