"""Every user-facing string has its Chinese translation (zh-hans is the default language)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

CATALOGUE = Path(settings.PACKAGE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_catalogue_has_no_untranslated_or_fuzzy_entries():
    po = polib.pofile(str(CATALOGUE))
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
    fresh = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in fresh if not e.obsolete and not e.translated()]
    assert missing == [], "translate these in src/yimen/locale/zh_Hans/LC_MESSAGES/django.po"


def test_chinese_is_the_default_and_english_is_complete():
    assert settings.LANGUAGE_CODE == "zh-hans"
    with translation.override("zh-hans"):
        assert translation.gettext("My tasks") == "我的任务"
    with translation.override("en"):
        assert translation.gettext("My tasks") == "My tasks"
