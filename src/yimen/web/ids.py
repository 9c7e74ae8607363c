"""Object ids in URLs: ASCII digits only, so one object has exactly one address.

Python's int() also accepts "１" (full-width), "١" (Arabic-Indic), " 1 " and "1_0", which
would give one case several URLs; and ids past 2**63 overflow the database's integer. The
pages use the path converter; the API parses in the view so that a bad id still answers
with the specific not-found problem of the thing asked for.
"""

from __future__ import annotations

from django.urls import register_converter

MAX_DIGITS = 18  # every 18-digit number is below 2**63, the largest BigAutoField value


def parse_id(raw: object) -> int | None:
    """The id as an int, or None when ``raw`` is not 1–18 ASCII digits."""
    text = str(raw)
    if 0 < len(text) <= MAX_DIGITS and text.isascii() and text.isdigit():
        return int(text)
    return None


class IdConverter:
    """``<id:case_id>``: 1–18 ASCII digits, passed to the view as an int."""

    regex = f"[0-9]{{1,{MAX_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: object) -> str:
        return str(int(value))


# registered where it is defined, once: every urls module that uses <id:…> imports this one
register_converter(IdConverter, "id")
