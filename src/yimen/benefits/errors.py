"""Coded errors of benefits: a stable code, Chinese and English text (house rule 7)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yimen.errors import Conflict, Invalid


class AccountRefused(Invalid):
    code = "benefits.account_invalid"


class ReviewRefused(Invalid):
    code = "benefits.review_invalid"


class ReviewAlreadyOpen(Conflict):
    code = "benefits.review_open"


class RollRefused(Invalid):
    code = "benefits.roll_invalid"


class RollAlreadyIssued(Conflict):
    code = "benefits.roll_issued"


class RosterChanged(Conflict):
    code = "benefits.recalc_changed"


class ImmutableError(Exception):
    """An issued roll, its lines and its ledger entries are never changed."""


class RosterTransitionRefused(Exception):
    """A state change that transitions.py does not allow, or lost to a concurrent one: a
    bug or a race, never a user's input (the services refuse those with coded errors)."""


# --- issue 22 item 3: payments returned by the bank ---


class ReturnFileRefused(Invalid):
    """A return file (or its layout) refused as a whole; nothing of it is kept."""

    code = "benefits.return_file_invalid"


@dataclass(frozen=True)
class RowProblem:
    """Why one line of a return file was refused; ``line`` is where it sits in the file."""

    line: int
    message: str | Promise
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, language: str | None = None) -> str:
        """The problem in ``language`` (the active one if None), its values too (a label
        passed lazily is rendered in the same language)."""
        if language is None:
            return self._filled()
        with translation.override(language):
            return self._filled()

    def _filled(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


#: a refused file reports at most this many problems (the count of all is given)
MAX_ROW_PROBLEMS = 200


class ReturnRowsRefused(ReturnFileRefused):
    """Lines of a return file that cannot be read or matched to exactly one payment: the
    whole file is refused, every problem with its line."""

    code = "benefits.return_rows_invalid"

    def __init__(self, problems: list[RowProblem]):
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__(
            _("%(count)s lines of the return file were refused; nothing was imported."),
            count=len(problems),
        )

    def as_problem(self) -> dict[str, Any]:
        body = super().as_problem()
        body["rows"] = [
            {"line": p.line, "detail_zh": p.render("zh-hans"), "detail_en": p.render("en")}
            for p in self.problems[:MAX_ROW_PROBLEMS]
        ]
        return body


class ReturnRefused(Invalid):
    code = "benefits.return_invalid"


class ReturnConflict(Conflict):
    code = "benefits.return_conflict"
