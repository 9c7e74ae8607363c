"""What a new user hits in the demo (issue 14, item 1): the demo data loaded as `yimen
load_demo` loads it, every demo account (and an anonymous visitor) opens every page of its
menu and of the README's page list, each list page once more with its filters set (the
GET forms the page itself shows), and every link, download and htmx fragment found on
those pages one level deep. No answer may be a 5xx. A menu link answering 403/404 is
a fault of its own: the menu follows the role (web/menu.py)."""

from __future__ import annotations

import io
import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from yimen.accounts.models import User
from yimen.notify.models import Notice, SmsMessage

# the marker makes pytest-django set the test database up; the crawl itself runs once, in
# the module's fixture, inside a transaction it rolls back
pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"
MD5 = "django.contrib.auth.hashers.MD5PasswordHasher"
#: links never followed: they end the session or act (the language switch is a POST form)
SKIP = re.compile(r"logout|/i18n/|^/static/|^/media/")
#: a page found under many ids (a case, a household…) is opened this many times per user
SAME_SHAPE = 2


def readme_pages() -> list[str]:
    """The paths the README lists (main pages and the demo accounts' table)."""
    text = README.read_text(encoding="utf-8")
    return sorted({p for p in re.findall(r"`(/[^`\s]*)`", text) if "<" not in p})


class _Page(HTMLParser):
    """The links, htmx fragments and GET forms (with their filter fields) of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.menu: list[str] = []
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._in_nav = 0
        self._form: tuple[str, dict[str, str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "nav":
            self._in_nav += 1
        for key in ("href", "hx-get"):
            if key in a and tag != "link":
                self.links.append(a[key])
                if self._in_nav and tag == "a":
                    self.menu.append(a[key])
        if tag == "form":
            method = a.get("method", "get").lower()
            self._form = (a.get("action", ""), {}) if method == "get" else None
        elif self._form is not None and a.get("name"):
            name, fields = a["name"], self._form[1]
            if tag == "select":
                self._select = name
            elif tag == "input" and a.get("type") in ("checkbox", "radio"):
                fields.setdefault(name, a.get("value", "on"))
            elif tag == "input" and a.get("type") == "month":
                fields.setdefault(name, "2026-01")
            elif tag == "input" and a.get("type") == "date":
                fields.setdefault(name, "2026-01-01")
            elif tag == "input" and a.get("type", "text") in ("text", "search"):
                fields.setdefault(name, a.get("value") or "王")
            elif tag == "input" and a.get("type") == "hidden":
                fields.setdefault(name, a.get("value", ""))
        if tag == "option" and self._form is not None and self._select:
            value = a.get("value", "")
            if value:  # the first real choice, not "all"
                self._form[1].setdefault(self._select, value)

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav -= 1
        elif tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            if self._form[1]:
                self.forms.append(self._form)
            self._form = None


def _local(base: str, href: str) -> str | None:
    """``href`` as a path (and query) on this site, or None for another site or a fragment."""
    if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.netloc not in ("", "testserver") or SKIP.search(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


@dataclass
class Crawl:
    requests: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)  # 5xx
    menu_refusals: list[str] = field(default_factory=list)  # 403/404 of a menu link
    statuses: Counter = field(default_factory=Counter)
    notices: dict = field(default_factory=dict)  # the kinds notify made of the demo


def _get(client: Client, url: str, crawl: Crawl, who: str, came_from: str):
    # a savepoint per request: a view that breaks the transaction (PostgreSQL) must not
    # break every request after it
    sid = transaction.savepoint()
    response = client.get(url)
    crawl.requests += 1
    crawl.statuses[response.status_code] += 1
    if response.status_code >= 500:
        transaction.savepoint_rollback(sid)
        exc = getattr(response, "exc_info", None)
        cause = f"{exc[0].__name__}: {exc[1]}" if exc else ""
        crawl.errors.append(f"{who} GET {url} (from {came_from}) → {response.status_code} {cause}")
    else:
        transaction.savepoint_commit(sid)
    return response


def _parse(response) -> _Page | None:
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return None
    page = _Page()
    page.feed(response.content.decode("utf-8", errors="replace"))
    return page


def crawl_as(user: User | None, crawl: Crawl) -> None:
    client = Client(raise_request_exception=False)
    who = user.username if user else "anonymous"
    if user is not None:
        client.force_login(user)
    home = _get(client, "/", crawl, who, "login")
    page = _parse(home)
    menu = [u for u in (_local("/", h) for h in (page.menu if page else [])) if u]
    seeds = list(dict.fromkeys([*menu, *readme_pages()]))
    seen: set[str] = {"/"}
    shapes: Counter = Counter()
    level_one: list[tuple[str, str]] = []
    for seed in seeds:
        if seed in seen:
            continue
        seen.add(seed)
        response = _get(client, seed, crawl, who, "menu" if seed in menu else "README")
        if seed in menu and response.status_code in (403, 404):
            crawl.menu_refusals.append(f"{who} {seed} → {response.status_code}")
        found = _parse(response)
        if found is None:
            continue
        for action, fields in found.forms:  # the page's own filters, set
            target = _local(seed, action or seed)
            if target:
                level_one.append((f"{target.split('?')[0]}?{urlencode(fields)}", seed))
        level_one += [(u, seed) for u in (_local(seed, h) for h in found.links) if u]
    for url, came_from in level_one:
        if url in seen or shapes[_shape(url)] >= SAME_SHAPE:
            continue
        seen.add(url)
        shapes[_shape(url)] += 1
        _get(client, url, crawl, who, came_from)


@pytest.fixture(scope="module")
def crawl(django_db_setup, django_db_blocker, tmp_path_factory):
    """Load the demo and crawl it once for the module, all in a transaction rolled back."""
    result = Crawl()
    media = tmp_path_factory.mktemp("media")
    # `make demo` makes the demo Jilin's medical-insurance node (without, its pages say
    # "not a node" with a 503 by design)
    nodes = tmp_path_factory.mktemp("nodes")
    call_command("medins_demo_nodes", "--dir", str(nodes), stdout=io.StringIO())
    jilin = json.loads((nodes / "medins-node-jilin.json").read_text(encoding="utf-8"))
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=media,
            PASSWORD_HASHERS=[MD5],
            MEDINS_NODE=jilin,
            SMS_FILE=str(tmp_path_factory.mktemp("sms") / "sms.jsonl"),
        ),
        transaction.atomic(),
    ):
        call_command("load_demo", stdout=io.StringIO())
        result.notices = {
            "inbox": set(Notice.objects.values_list("kind", flat=True)),
            "sms": set(SmsMessage.objects.values_list("kind", flat=True)),
        }
        started = time.monotonic()
        users = list(User.objects.filter(is_active=True).order_by("username"))
        assert len(users) >= 18, "every demo account of the README"
        for user in [None, *users]:
            crawl_as(user, result)
        result.seconds = time.monotonic() - started
        transaction.set_rollback(True)
    return result


def test_no_page_of_the_demo_answers_5xx(crawl):
    assert crawl.requests > 300, crawl.statuses  # the crawl did reach the pages
    assert crawl.statuses[200] > 200
    assert not crawl.errors, "\n".join(crawl.errors)


def test_the_demos_events_became_notices(crawl):
    """Every notification rule ran on the demo's own events (issue 22): the citizen and
    the candidate have notices in their inbox, the households texts."""
    texts = {
        "assistance.received",
        "assistance.missing",
        "assistance.approved",
        "benefits.paid",
        "settlement.filed",
    }
    assert texts <= crawl.notices["sms"], crawl.notices
    assert {"assistance.received"} <= crawl.notices["inbox"], crawl.notices  # the citizen's


def test_no_menu_link_is_refused(crawl):
    assert not crawl.menu_refusals, "\n".join(crawl.menu_refusals)
