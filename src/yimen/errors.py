"""Errors with stable codes and a message in Chinese and English (house rule 7).

Services raise these; the API turns them into RFC 9457 problem details and the pages into
a message, both in the user's language with the other language alongside.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.functional import Promise


class YimenError(Exception):
    """Base of every refusal a user can see. ``code`` never changes once published."""

    status = 400
    code = "yimen.error"

    def __init__(self, message: str | Promise, *, code: str | None = None, **params: Any):
        self.message = message
        self.params = params
        if code:
            self.code = code
        super().__init__(self.render("en"))

    def render(self, language: str | None = None) -> str:
        """The message in ``language`` (the active one if None), placeholders filled."""
        if language is None:
            return str(self.message) % self.params if self.params else str(self.message)
        with translation.override(language):
            text = str(self.message)
            return text % self.params if self.params else text

    def as_problem(self) -> dict[str, Any]:
        """RFC 9457 problem details body."""
        return {
            "type": f"urn:yimen:error:{self.code}",
            "title": self.render(),
            "status": self.status,
            "code": self.code,
            "detail": self.render(),
            "detail_zh": self.render("zh-hans"),
            "detail_en": self.render("en"),
        }


class NotFound(YimenError):
    """Absent or outside the user's scope: the two look the same, so existence never leaks."""

    status = 404
    code = "not_found"


class Forbidden(YimenError):
    """Visible to the user but not theirs to act on."""

    status = 403
    code = "forbidden"


class Conflict(YimenError):
    """Someone else changed the thing first, or it is in the wrong state."""

    status = 409
    code = "conflict"


class Invalid(YimenError):
    """Input refused before anything was written."""

    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        **params: Any,
    ):
        self.fields = fields or {}
        super().__init__(message, code=code, **params)

    def as_problem(self) -> dict[str, Any]:
        body = super().as_problem()
        if self.fields:
            body["errors"] = self.fields
        return body
