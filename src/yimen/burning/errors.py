"""Stable error codes of straw-burning supervision (codes never change once published)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from yimen.errors import Conflict, Forbidden, Invalid, NotFound


class NotInScope(NotFound):
    code = "burning.not_found"

    def __init__(self):
        super().__init__(_("No such straw-burning record, or it is outside your area."))


class NotAllowed(Forbidden):
    code = "burning.forbidden"

    def __init__(self):
        super().__init__(_("Your role may not do this in straw-burning supervision."))


class WrongState(Conflict):
    code = "burning.wrong_state"

    def __init__(self, *, what, status, target):
        super().__init__(
            _("%(what)s is “%(status)s”; it cannot become “%(target)s”."),
            what=what,
            status=status,
            target=target,
        )


class _Listed:
    """The refused rows as text in the language active when it is shown."""

    def __init__(self, rows):
        self.rows = rows

    def __str__(self) -> str:
        return "; ".join(f"{n}: {msg}" for n, msg in self.rows[:50])


class RowsRefused(Invalid):
    """Every bad row (or feature) with its number; nothing was imported. A row's message
    is text or a ``feeds.Explained``, shown in the reader's language."""

    code = "burning.import_refused"

    def __init__(self, rows: list[tuple[int, Any]]):
        self.rows = rows
        super().__init__(
            _("%(count)s rows refused, nothing was imported: %(rows)s"),
            count=len(rows),
            rows=_Listed(rows),
        )

    def as_problem(self) -> dict[str, Any]:
        """The problem body with every refused row, its number and its message in Chinese
        and English (``rows``), beside the summary."""
        body = super().as_problem()
        body["rows"] = [
            {"row": n, "detail_zh": _in(msg, "zh-hans"), "detail_en": _in(msg, "en")}
            for n, msg in self.rows
        ]
        return body


def _in(message: Any, language: str) -> str:
    if hasattr(message, "render"):
        return message.render(language)
    return str(message)


class UnreadableFile(Invalid):
    code = "burning.unreadable_file"

    def __init__(self, detail: Any):
        # an explained refusal stays one, rendered in each reader's language
        detail = detail if hasattr(detail, "render") else str(detail)[:300]
        super().__init__(_("The file cannot be read: %(detail)s"), detail=detail)


class PersonOutOfScope(Invalid):
    code = "burning.person_out_of_scope"

    def __init__(self):
        super().__init__(
            _("That person holds no straw-burning role over this unit; grant the role first.")
        )


class HistoryFixed(Conflict):
    code = "burning.history_fixed"

    def __init__(self, *, day):
        super().__init__(
            _("A later entry already starts on %(day)s; dated history is not rewritten."),
            day=day,
        )


class NotAGrid(Invalid):
    code = "burning.not_a_grid"

    def __init__(self):
        super().__init__(_("Zones and permits belong to grids and plots."))


class NotLimitedZone(Conflict):
    code = "burning.not_limited_zone"

    def __init__(self, *, day):
        super().__init__(
            _("On %(day)s the grid is not a limited-burning zone; no planned burning there."),
            day=day,
        )


class BadWindow(Invalid):
    code = "burning.bad_window"

    def __init__(self):
        super().__init__(_("A permit's window must end after it starts, within 7 days."))


class ReasonNeeded(Invalid):
    code = "burning.reason_needed"

    def __init__(self):
        super().__init__(_("Say why it was not a straw fire."))


class AreaNeeded(Invalid):
    code = "burning.area_needed"

    def __init__(self):
        super().__init__(_("Give the burnt area (m²) of a straw fire."))


class PhotoNeeded(Invalid):
    code = "burning.photo_needed"

    def __init__(self):
        super().__init__(_("Add at least one photo from the site."))


class BadPhoto(Invalid):
    code = "burning.bad_photo"

    def __init__(self, name: str):
        super().__init__(
            _("“%(name)s” is not a JPEG or PNG photo of at most 10 MB."), name=str(name)[:80]
        )


class BadPosition(Invalid):
    code = "burning.bad_position"

    def __init__(self):
        super().__init__(_("The position is not a longitude and latitude in China."))


class NothingToSample(Conflict):
    code = "burning.nothing_to_sample"

    def __init__(self):
        super().__init__(_("No closed case in that county and period to re-check."))


class AlreadyChecked(Conflict):
    code = "burning.already_checked"

    def __init__(self):
        super().__init__(_("This case of the sample has been re-checked already."))


class NotGroupMember(Forbidden):
    code = "burning.not_group_member"

    def __init__(self):
        super().__init__(
            _("Only a member of the group records its visits, in a county assigned to it.")
        )


class BadInput(Invalid):
    code = "burning.bad_input"

    def __init__(self, message):
        super().__init__(message)


class GroupNumberTaken(Conflict):
    code = "burning.group_number_taken"

    def __init__(self, *, number):
        super().__init__(_("Inspection group number %(number)s exists already."), number=number)


class MemberOutOfScope(Invalid):
    code = "burning.member_out_of_scope"

    def __init__(self, *, name, county):
        super().__init__(
            _(
                "%(name)s holds no inspection-group role over %(county)s; grant the role "
                "first or leave the county out."
            ),
            name=name,
            county=county,
        )


class UnitCodeTaken(Conflict):
    code = "burning.unit_code_taken"

    def __init__(self, *, unit_code):
        # the placeholder is not "code": YimenError's own keyword of that name is the error code
        super().__init__(
            _("A 包保 unit with the code %(unit_code)s exists already."), unit_code=unit_code
        )


class BadParent(Invalid):
    code = "burning.bad_parent"

    def __init__(self, message):
        super().__init__(message)


class FormatMismatch(Invalid):
    code = "burning.format_mismatch"

    def __init__(self, *, declared, found):
        super().__init__(
            _("The file was sent as “%(declared)s” but it is “%(found)s”; nothing was imported."),
            declared=declared,
            found=found,
        )
