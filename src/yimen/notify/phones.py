"""Mainland mobile numbers as the gateway takes them: 11 digits starting with 1."""

from __future__ import annotations

import re

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalise_phone(raw: str) -> str:
    """The 11-digit mobile number in ``raw`` (spaces, dashes and +86 dropped), or "" when
    it is not a mobile number (a landline cannot receive a text)."""
    digits = re.sub(r"[\s\-()]", "", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits if _MOBILE.match(digits) else ""
