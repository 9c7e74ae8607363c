"""Why staff export personal data or unmask an ID number: a list chosen from, not free text.

The list is configuration. The default below covers the uses the services have today; a
deployment replaces it with ``PRIVACY_PURPOSES`` in its settings, or with the file named by env
``YIMEN_PRIVACY_PURPOSES_FILE`` (a JSON list of ``[code, "中文", "English"]``). A code once
used stays readable in the log even after it leaves the list (its code is shown)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .errors import UnknownPurpose


@dataclass(frozen=True)
class Purpose:
    code: str
    label: Promise | str
    # an export a service makes for one fixed reason (the bank file of a payment roll)
    # names it itself; these are never offered in the list
    implied: bool = False
    zh: str = ""  # a configured purpose's labels (the default ones are translated)
    en: str = ""

    def text(self) -> str:
        return _configured_label(self.zh, self.en) if self.zh else str(self.label)


DEFAULT_PURPOSES: tuple[Purpose, ...] = (
    Purpose("case_handling", _("Handling the case")),
    Purpose("payment", _("Paying the benefit (bank file)"), implied=True),
    Purpose("review", _("Periodic review of the household")),
    Purpose("supervision", _("Supervision and sampling by the county")),
    Purpose("verification", _("Checking identity with the person present")),
    Purpose("statistics", _("Statistics requested by a higher authority")),
    Purpose("subject_request", _("Answering the person's own request")),
    Purpose("legal", _("Court, prosecutor or discipline inspection request")),
)


def _configured_label(chinese: str, english: str) -> str:
    language = translation.get_language() or "zh-hans"
    return english if language.startswith("en") else chinese


def purposes() -> tuple[Purpose, ...]:
    """The purposes in force: the deployment's list, else the default one."""
    configured = getattr(settings, "PRIVACY_PURPOSES", None) or _from_file()
    if not configured:
        return DEFAULT_PURPOSES
    return tuple(Purpose(str(code), "", zh=str(zh), en=str(en)) for code, zh, en in configured)


def _from_file() -> list | None:
    path = str(getattr(settings, "PRIVACY_PURPOSES_FILE", "") or "")
    if not path:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"{path}: not a JSON list of purposes / 用途清单格式不正确"
        ) from exc
    if not isinstance(data, list) or not all(
        isinstance(row, list) and len(row) == 3 and all(isinstance(v, str) for v in row)
        for row in data
    ):
        raise ImproperlyConfigured(f"{path}: each purpose is [code, 中文, English]")
    return data


def purpose_choices() -> list[tuple[str, str]]:
    """(code, label) pairs for a select, in the list's order."""
    return [(p.code, p.text()) for p in purposes() if not p.implied]


def purpose_label(code: str) -> str:
    """The label of ``code``, or the code itself once it has left the list."""
    for purpose in purposes():
        if purpose.code == code:
            return purpose.text()
    return code


def check_purpose(code: str | None) -> str:
    """``code`` when it is in the list, else UnknownPurpose (nothing is shown or written)."""
    code = (code or "").strip()
    if code and any(p.code == code for p in purposes()):
        return code
    raise UnknownPurpose()
