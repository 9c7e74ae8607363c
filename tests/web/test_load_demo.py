"""The demo loader contract (docs/architecture.md, "Demo data"): load_demo imports no app, it
runs each AppConfig's ``demo_loader`` by ``demo_order`` and prints every ``demo_accounts``."""

from __future__ import annotations

import io
from types import SimpleNamespace

from django.apps import apps
from django.core.management import call_command

from yimen.web.management.commands import load_demo

TODAY = [
    "regions",
    "accounts",
    "assistance",
    "verification",
    "benefits",
    "medins",
    "settlement",
    "exams",
    "subsidy",
    "burning",
]


def test_loaders_run_in_their_declared_order_and_apps_without_one_last(monkeypatch):
    assert [c.label for c in load_demo.demo_configs()][: len(TODAY)] == TODAY
    late = SimpleNamespace(label="zz_new", demo_loader="x.y.load", verbose_name="New")
    early = SimpleNamespace(label="aa_new", demo_loader="x.y.load", demo_order=5, verbose_name="")
    real = apps.get_app_configs()
    monkeypatch.setattr(apps, "get_app_configs", lambda: [late, *real, early])
    labels = [c.label for c in load_demo.demo_configs()]
    assert labels[:3] == ["regions", "aa_new", "accounts"]
    # apps without an order run after every ordered one below the default (100); the
    # notifications (1000) come last because they read the events every loader wrote
    assert labels[-2:] == ["zz_new", "notify"]


def test_accounts_come_from_every_app():
    names = {u.username for u in load_demo.demo_accounts()}
    assert {"admin", "caseworker", "citizen"} <= names  # accounts' own
    assert {"approver2", "village2"} <= names  # assistance's second township


def loader_of_a_new_app() -> str:
    return "3 个示例 examples"


def test_the_command_prints_each_loaders_summary(monkeypatch):
    config = SimpleNamespace(
        label="subsidy",
        verbose_name="Straw subsidy",
        demo_loader=f"{__name__}.loader_of_a_new_app",
    )
    monkeypatch.setattr(load_demo, "demo_configs", lambda: [config])
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "Straw subsidy: 3 个示例 examples" in text
    assert "countyadmin" not in text  # no accounts app ran, so none is listed
