"""The shell's language: Chinese by default, English one click away, no foreign redirects."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_default_language_is_chinese_and_english_is_one_click_away(client, world):
    client.force_login(world.caseworker)
    html = client.get("/").content.decode()
    assert '<html lang="zh-CN">' in html
    assert 'id="lang-switch"' in html and 'value="en"' in html

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/cases/"})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "My tasks" in html and "Log out" in html
    assert "Township caseworker" in html  # role labels follow the language too
    assert 'value="zh-hans"' in html

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-CN">' in client.get("/").content.decode()


def test_language_switch_refuses_foreign_next_and_unknown_languages(client, world):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    client.post("/i18n/setlang/", {"language": "xx-klingon", "next": "/"})
    assert '<html lang="en">' in client.get("/accounts/login/").content.decode()
