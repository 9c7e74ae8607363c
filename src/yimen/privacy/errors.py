"""Coded refusals of the privacy app: a stable code, Chinese and English text (house rule 7)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yimen.errors import Conflict, Forbidden, Invalid, NotFound


class UnknownPurpose(Invalid):
    code = "privacy.purpose_required"

    def __init__(self):
        super().__init__(
            _(
                "Choose the purpose from the list: personal data is exported or shown in full "
                "only for a stated purpose."
            )
        )


class NotAllowed(Forbidden):
    code = "privacy.forbidden"

    def __init__(self):
        super().__init__(_("Your role may not do this with personal data here."))


class NotInScope(NotFound):
    code = "privacy.not_found"

    def __init__(self):
        super().__init__(_("No such record, or it is outside your area."))


class ReasonRequired(Invalid):
    code = "privacy.reason_required"

    def __init__(self):
        super().__init__(_("Give the reason (at least 4 characters)."))


class HoldTargetRequired(Invalid):
    code = "privacy.hold_target_required"

    def __init__(self):
        super().__init__(
            _("Name what the hold keeps: a record (its type and number) or a person's ID number.")
        )


class UnknownRecordType(Invalid):
    code = "privacy.unknown_record_type"

    def __init__(self, value: str):
        super().__init__(
            _("“%(value)s” is not a kind of record that can be held."), value=value[:60]
        )


class HoldAlreadyLifted(Conflict):
    code = "privacy.hold_lifted"

    def __init__(self):
        super().__init__(_("This legal hold was lifted already."))


class RequestClosed(Conflict):
    code = "privacy.request_closed"

    def __init__(self):
        super().__init__(_("This request has been answered already."))


class WrongRequestKind(Conflict):
    code = "privacy.wrong_request_kind"

    def __init__(self):
        super().__init__(_("This answer does not fit the kind of request."))


class DetailsRequired(Invalid):
    code = "privacy.details_required"

    def __init__(self):
        super().__init__(_("Say what is wrong and what it should say."))


class NoSigningKey(Conflict):
    code = "privacy.no_signing_key"

    def __init__(self):
        super().__init__(
            _(
                "No audit key is configured, so the copy cannot be signed: run “yimen audit "
                "keygen” first."
            )
        )


class NoPersonalRecord(Invalid):
    code = "privacy.not_your_number"

    def __init__(self):
        super().__init__(
            _(
                "We hold no record of yours under this account; file the request at the "
                "counter with your ID card."
            )
        )


class NameRequired(Invalid):
    code = "privacy.name_required"

    def __init__(self):
        super().__init__(_("Enter the person's name as on their ID card."))
