"""Every user-facing string has its Chinese translation (zh-hans is the default language)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

CATALOGUE = Path(settings.PACKAGE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# an app may keep its own catalogue in src/yimen/<app>/locale/ (Django finds it by itself)
APP_CATALOGUES = sorted(Path(settings.PACKAGE_DIR).glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))


def translated_msgids() -> set[str]:
    """Every msgid translated in the project catalogue or in one of the apps' catalogues."""
    known: set[str] = set()
    for path in [CATALOGUE, *APP_CATALOGUES]:
        known |= {e.msgid for e in polib.pofile(str(path)) if e.translated() and not e.obsolete}
    return known


@pytest.mark.parametrize("path", [CATALOGUE, *APP_CATALOGUES], ids=str)
def test_catalogue_has_no_untranslated_or_fuzzy_entries(path):
    po = polib.pofile(str(path))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (CI installs it)")
def test_catalogue_covers_every_string_in_the_code(tmp_path):
    """Extract the strings afresh from a copy of the code: none may be missing a translation."""
    copy = tmp_path / "yimen"
    shutil.copytree(
        settings.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static")
    )
    here = os.getcwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[str(copy / "locale")]):
            call_command("makemessages", locale=["zh_Hans"], no_location=True, verbosity=0)
    finally:
        os.chdir(here)
    # makemessages writes an app's strings into the app's own catalogue when it has one
    fresh = [polib.pofile(str(p)) for p in copy.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")]
    known = translated_msgids()
    missing = [e.msgid for po in fresh for e in po if not e.obsolete and e.msgid not in known]
    assert missing == [], "translate these in the project's or the app's zh_Hans django.po"


def test_chinese_is_the_default_and_english_is_complete():
    assert settings.LANGUAGE_CODE == "zh-hans"
    with translation.override("zh-hans"):
        assert translation.gettext("My tasks") == "我的任务"
    with translation.override("en"):
        assert translation.gettext("My tasks") == "My tasks"


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


@pytest.mark.parametrize("path", [CATALOGUE, *APP_CATALOGUES], ids=str)
def test_translations_keep_every_placeholder(path):
    """A translation that drops or renames a %(name)s fails at run time (and in msgfmt)."""
    wrong = []
    for entry in polib.pofile(str(path)):
        if entry.msgstr and "python-format" in entry.flags:
            wanted = {m.group(1) for m in PLACEHOLDER.finditer(entry.msgid) if m.group(1)}
            found = {m.group(1) for m in PLACEHOLDER.finditer(entry.msgstr) if m.group(1)}
            if wanted != found:
                wrong.append(entry.msgid)
    assert wrong == []
