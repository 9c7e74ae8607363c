"""Stable error codes of the division tree (house rule 7).

Codes never change once published; messages are English source strings translated to
Chinese in the catalogue, with named placeholders.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yimen.errors import Forbidden, Invalid, NotFound


class DivisionNotFound(NotFound):
    """No division has this code (or the text is not a code at all)."""

    code = "regions.not_found"

    def __init__(self, code: str):
        # the placeholder is not called "code": that keyword sets the error code
        super().__init__(_("There is no division with the code %(division)s."), division=code)


class InvalidDivisionCode(Invalid):
    """The text is not a 2/4/6/9/12-digit division code."""

    code = "regions.invalid_code"

    def __init__(self, text: str):
        super().__init__(
            _("“%(text)s” is not a division code: give 2, 4, 6, 9 or 12 digits."),
            text=text,
        )


class InvalidDivisionName(Invalid):
    """The name is empty or longer than the column allows."""

    code = "regions.invalid_name"

    def __init__(self, max_length: int):
        super().__init__(
            _("Give the division a name of at most %(max_length)d characters."),
            max_length=max_length,
        )


class DivisionExists(Invalid):
    """The code is taken; divisions are never added twice."""

    code = "regions.duplicate"

    def __init__(self, code: str, name: str):
        super().__init__(
            _("The code %(division)s already belongs to %(name)s."), division=code, name=name
        )


class ParentMissing(Invalid):
    """The division the new one would hang from does not exist yet."""

    code = "regions.parent_missing"

    def __init__(self, parent_code: str):
        super().__init__(
            _("Add the division %(parent)s first: the new division belongs under it."),
            parent=parent_code,
        )


class MayNotAddDivision(Forbidden):
    """The actor holds no role that may add divisions at this place in the tree."""

    code = "regions.forbidden"

    def __init__(self, parent_code: str | None):
        if parent_code:
            super().__init__(_("You may not add divisions under %(parent)s."), parent=parent_code)
        else:
            super().__init__(_("Provinces come from the shipped division file only."))


class SourceError(ValueError):
    """The source extract is inconsistent in a way a person must look at."""


class DivisionFileError(ValueError):
    """A division file cannot be loaded; the message names the line. Nothing was written."""


class InvalidCode(ValueError):
    """The text is not a division code."""
