"""Case pages, lists and notices print cleanly (a print stylesheet) and say where one is
(breadcrumbs back to the home page and the case list)."""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.web.world import _fast_password_hashing  # noqa: F401  (autouse fixture)


def _crumbs(html: str) -> list[str]:
    nav = re.search(r'<nav class="breadcrumbs"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "no breadcrumbs"
    return re.findall(r'href="([^"]+)"', nav.group(1))


def test_case_pages_have_breadcrumbs_and_the_print_stylesheet(client, world):
    client.force_login(world.caseworker)
    detail = client.get(reverse("web:case_detail", args=[world.case.pk])).content.decode()
    assert _crumbs(detail) == [reverse("web:home"), reverse("web:case_list")]
    assert world.case.number in re.search(r'class="breadcrumbs".*?</nav>', detail, re.S).group(0)
    listing = client.get(reverse("web:case_list")).content.decode()
    assert _crumbs(listing) == [reverse("web:home")]
    for html in (detail, listing):
        assert re.search(r'<link rel="stylesheet" href="[^"]*web/print\.css" media="print">', html)
        assert "data-print" in html  # a print button (yimen.js; no inline script)


def test_the_print_stylesheet_hides_the_chrome_and_keeps_the_content():
    path = finders.find("web/print.css")
    assert path, "web/print.css is not a static file"
    css = Path(path).read_text(encoding="utf-8")
    hidden = re.search(r"([^{}]+)\{\s*display:\s*none\s*!important", css).group(1)
    for selector in (
        "header.top",
        "footer",
        ".messages",
        ".filters",
        ".no-print",
        "section.action",
    ):
        assert selector in hidden
    assert "nav:not(.breadcrumbs)" in hidden  # the breadcrumbs print, the menu does not
    assert "thead { display: table-header-group" in css  # long lists repeat their header
    js = Path(finders.find("web/yimen.js")).read_text(encoding="utf-8")
    assert "data-print" in js and "window.print()" in js
