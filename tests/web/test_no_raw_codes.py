"""Issue 14 item 3, house rule 14: the Chinese UI shows labels, never internal codes or
developer text.

The demo data (`yimen load_demo`, what a new user meets) is loaded once; then every page
each demo account can reach by following links from its task list is fetched in Chinese,
and what a person reads there (text and the attributes shown on screen) is scanned for:
the value of any TextChoices of any app or of a process step's outcome (`accepted`,
`dibao`, `township_caseworker`…), a division's 12-digit number, a MIME type, money not
written as yuan (`5190.79000000000`, `1110.00`), developer notes ("NOT FOUND",
"placeholder", "policy.md") and English sentences. The public self-check is submitted too,
anonymously and by a caseworker.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import models
from django.utils import translation
from django.utils.translation import pgettext

from yimen.accounts.models import User
from yimen.regions.models import Division
from yimen.web.management.commands.load_demo import demo_accounts
from yimen.workflow.registry import all_processes

pytestmark = pytest.mark.django_db

# where the crawl does not go: other protocols (API, national interface), Django's admin
# (its own translated UI), files, logout and the language switch
SKIP_PREFIXES = ("/admin/", "/api/", "/fsi/", "/i18n/", "/static/", "/media/", "/accounts/logout")
SKIP_SUFFIXES = (".pdf", ".svg", ".csv", ".xlsx", ".png", ".jpg")
PER_SHAPE = 3  # pages per URL shape (digits aside): the same template with other rows
MAX_PAGES = 250  # per account; the demo accounts reach 14–160 shapes × rows

# attributes a person reads on screen (data-label: a table.cards row on a phone) or hears
# from a screen reader
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "data-label"}

WORD = re.compile(r"(?<![A-Za-z0-9_./@:-])([a-z][a-z0-9]*(?:_[a-z0-9]+)*)(?![A-Za-z0-9_/@-])")
DIVISION_NUMBER = re.compile(r"(?<!\d)\d{12}(?!\d)")
MIME = re.compile(r"\b(?:image|application|text)/[a-z0-9.+-]+")
RAW_DECIMAL = re.compile(r"\d\.\d{4,}")  # 5190.79000000000
NO_THOUSANDS = re.compile(r"(?<![\d,.])\d{4,}\.\d{2}(?!\d)")  # 1110.00 instead of 1,110.00
DEVELOPER_NOTE = re.compile(r"NOT FOUND|placeholder|policy\.md|\.md\b|§", re.IGNORECASE)
ENGLISH_SENTENCE = re.compile(r"[A-Za-z]{2,}(?:[ ,'’-]+[A-Za-z]{2,}){3,}")


def raw_codes() -> set[str]:
    """Every stored code a page might print instead of its label: the values of all
    TextChoices in the project and the outcome codes of every declared process step."""
    codes: set[str] = set()
    pending = list(models.TextChoices.__subclasses__())
    while pending:
        choices = pending.pop()
        pending.extend(choices.__subclasses__())
        if choices.__module__.startswith("yimen."):
            codes.update(choices.values)
    for process in all_processes():
        for stage in process.stages:
            for step in stage.steps:
                codes.update(o.code for o in step.outcomes)
    # a code of one or two letters is no word anyone would notice (and matches units)
    return {c for c in codes if len(c) > 2 and not c.isdigit()}


class Page(HTMLParser):
    """What a person reads on a page, and where its links go."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0
        self._spans: list[bool] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        # hidden: scripts, and what a page shows verbatim on purpose (class="verbatim"): a
        # user name, a division code in its own column beside the name (the statistics
        # tables' 区划代码, as the official reports carry it)
        code = tag == "span" and "verbatim" in (attributes.get("class") or "").split()
        if tag == "span":
            self._spans.append(code)
        if tag in ("script", "style", "template") or code:
            self._hidden += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        for name in SHOWN_ATTRIBUTES & attributes.keys():
            if attributes[name]:
                self.texts.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.texts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "span" and self._spans and self._spans.pop() and self._hidden:
            self._hidden -= 1
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(" ".join(data.split()))


def problems_in(text: str, codes: set[str], divisions: set[str]) -> list[str]:
    found = [f"code {w!r}" for w in WORD.findall(text) if w in codes]
    found += [f"division number {n}" for n in DIVISION_NUMBER.findall(text) if n in divisions]
    found += [f"MIME type {m}" for m in MIME.findall(text)]
    found += [f"money {m}" for m in RAW_DECIMAL.findall(text) + NO_THOUSANDS.findall(text)]
    found += [f"developer note {m!r}" for m in DEVELOPER_NOTE.findall(text)]
    found += [f"English {m!r}" for m in ENGLISH_SENTENCE.findall(text)]
    return found


def shape(path: str) -> str:
    return re.sub(r"\d+", "#", path)


def crawl(client, start: list[str], check) -> int:
    """Fetch every page reachable from ``start`` by links (a few per URL shape)."""
    seen: set[str] = set()
    per_shape: dict[str, int] = defaultdict(int)
    todo = list(start)
    while todo and len(seen) < MAX_PAGES:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        # 503: a service this installation does not run (the medical-insurance node)
        assert response.status_code < 500 or response.status_code == 503, url
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = Page()
        page.feed(response.content.decode())
        check(url, page.texts)
        for href in page.links:
            parts = urlsplit(href)
            path = parts.path
            if parts.scheme or parts.netloc or not path.startswith("/"):
                continue
            if path.startswith(SKIP_PREFIXES) or path.endswith(SKIP_SUFFIXES):
                continue
            target = path + (f"?{parts.query}" if parts.query else "")
            if target in seen or target in todo or per_shape[shape(path)] >= PER_SHAPE:
                continue
            per_shape[shape(path)] += 1
            todo.append(target)
    return len(seen)


@pytest.fixture
def demo(settings, tmp_path):
    """The data of `make demo`, loaded as the command loads it."""
    settings.DATA_DIR = tmp_path / "var"
    settings.DATA_DIR.mkdir()
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", stdout=io.StringIO())


def test_no_page_of_any_demo_account_shows_codes_or_developer_text(client, demo):
    codes = raw_codes()
    assert {"accepted", "done", "dibao", "tekun", "township_caseworker"} <= codes  # the list
    divisions = set(Division.objects.values_list("code", flat=True))
    usernames = [u.username for u in demo_accounts()]  # every app's, as load_demo prints them
    found: list[str] = []
    pages = 0

    for username in usernames:
        client.force_login(User.objects.get(username=username))

        def check(url, texts, who=username):
            for text in texts:
                for problem in problems_in(text, codes, divisions):
                    found.append(f"{who} {url}: {problem} in {text[:120]!r}")

        with translation.override("zh-hans"):
            pages += crawl(
                client,
                ["/", "/public/disclosure/", "/public/status/", "/public/self-check/"],
                check,
            )
    client.logout()
    assert pages > 300  # the crawl reached the pages, not only the task lists
    assert not found, f"{len(found)} codes or notes on pages:\n" + "\n".join(
        sorted(set(found))[:60]
    )


SELF_CHECK = {
    "division": "220102000000",
    "hukou_type": "urban",
    "deposits": "3000",
    "homes": "1",
    "market_entities": "0",
    "m1-age": "45",
    "m1-work_ability": "full",
    "m1-wages": "900",
    "m2-age": "43",
    "m2-work_ability": "partial",
    **{f"m{i}-work_ability": "full" for i in range(3, 7)},
}


def test_the_self_check_estimate_shows_no_source_notes(client, demo):
    """The estimate cites the parameters in plain words; the placeholder set's source note
    (NOT FOUND …) is for the parameter table, and only staff learn it is an example."""
    codes = raw_codes()
    divisions = set(Division.objects.values_list("code", flat=True))
    for username in (None, "citizen", "caseworker"):
        if username:
            client.force_login(User.objects.get(username=username))
        response = client.post("/public/self-check/", SELF_CHECK)
        assert response.status_code == 200 and "evaluation" in response.context
        page = Page()
        page.feed(response.content.decode())
        found = [p for text in page.texts for p in problems_in(text, codes, divisions)]
        assert not found, f"{username}: {found}"
        assert response.context["evaluation"].params.placeholder  # the demo's set is one
        example = "示例参数，待主管部门确认" in response.content.decode()
        assert example == (username == "caseworker")


def test_the_filing_button_is_not_the_file_column():
    """ "File" the verb (submit a filing) and the noun (an attachment) are two messages."""
    with translation.override("zh-hans"):
        assert pgettext("submit a filing", "File") == "提交备案"
        assert translation.gettext("File") != pgettext("submit a filing", "File")
