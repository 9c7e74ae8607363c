"""Stable error codes of the straw-to-meat subsidy (codes never change once published)."""

from django.utils.translation import gettext_lazy as _

from yimen.errors import Conflict, Forbidden, Invalid, NotFound


class NotInScope(NotFound):
    code = "subsidy.not_found"

    def __init__(self):
        super().__init__(_("No such subsidy record, or it is outside your area."))


class NotAllowed(Forbidden):
    code = "subsidy.forbidden"

    def __init__(self):
        super().__init__(_("Your role may not do this in the subsidy."))


class WrongState(Conflict):
    code = "subsidy.wrong_state"

    def __init__(self, *, what, status, target):
        super().__init__(
            _("%(what)s is “%(status)s”; it cannot become “%(target)s”."),
            what=what,
            status=status,
            target=target,
        )


class PastDeadline(Conflict):
    """The window closed: the unit is deemed to have given up (no late filing)."""

    code = "subsidy.past_deadline"

    def __init__(self):
        super().__init__(_("Not applied by the deadline: deemed to have given up."))


class NotOpenYet(Conflict):
    code = "subsidy.not_open"

    def __init__(self):
        super().__init__(_("Applications for this scheme are not open yet."))


class NotVetted(Conflict):
    code = "subsidy.not_vetted"

    def __init__(self):
        super().__init__(_("Only a unit surveyed and vetted by the bureau may apply."))


class BadIdentity(Invalid):
    code = "subsidy.bad_identity"


class ItemRefused(Invalid):
    """An item fails the scheme's checks: every failed check with its field."""

    code = "subsidy.item_refused"

    def __init__(self, fields: dict[str, list[str]]):
        text = " ".join(m for msgs in fields.values() for m in msgs)
        super().__init__(_("The item does not qualify: %(why)s"), fields=fields, why=text)


class ImportRefused(Invalid):
    """Every bad row with its number; nothing was imported."""

    code = "subsidy.import_refused"

    def __init__(self, rows: list[tuple[int, str]]):
        self.rows = rows
        text = "; ".join(f"{n}: {msg}" for n, msg in rows[:50])
        super().__init__(
            _("%(count)s rows refused, nothing was imported: %(rows)s"),
            count=len(rows),
            rows=text,
        )


class ImportUnreadable(Invalid):
    code = "subsidy.import_unreadable"

    def __init__(self, name: str):
        super().__init__(
            _("“%(name)s” cannot be read as an Excel workbook (.xlsx); nothing was imported."),
            name=name,
        )


class ReasonNeeded(Invalid):
    code = "subsidy.reason_needed"

    def __init__(self, field: str = "reason"):
        super().__init__(_("Give a reason."), fields={field: [str(_("Give a reason."))]})


class TextTooLong(Invalid):
    code = "subsidy.text_too_long"

    def __init__(self, field: str, limit: int):
        message = _("At most %(n)s characters.")
        super().__init__(message, n=limit, fields={field: [str(message) % {"n": limit}]})


class BadInspection(Invalid):
    code = "subsidy.bad_inspection"


class NothingToPay(Conflict):
    code = "subsidy.nothing_to_pay"

    def __init__(self):
        super().__init__(_("No application is ready to be paid."))


class NoCard(Conflict):
    code = "subsidy.no_card"

    def __init__(self, names: str):
        super().__init__(
            _("These units have no farm-subsidy card number yet: %(names)s."), names=names
        )
