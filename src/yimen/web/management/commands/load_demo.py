"""``yimen load_demo``: every app's demo data, in a defined order, then the accounts to try.

The command imports no app. Each app that has demo data says so on its AppConfig:

- ``demo_loader = "yimen.<app>.demo.load"``: a callable taking no arguments that loads the
  app's data idempotently (a rerun adds nothing) and returns a one-line summary;
- ``demo_order`` (optional, default 100): loaders run by it, then in INSTALLED_APPS order
  (regions 0, accounts 10, assistance 30 … settlement 70; an app without one runs last);
- ``demo_accounts`` (optional): the dotted path of a list of ``accounts.demo.DemoUser`` the
  app's loader creates, printed in the account list;
- ``demo_credentials`` (optional): the dotted path of a callable returning the lines that
  describe the machine credentials the demo configures (the hospital interface's), printed
  after the accounts.

See docs/architecture.md ("Demo data")."""

from __future__ import annotations

from django.apps import AppConfig, apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.module_loading import import_string

DEFAULT_ORDER = 100


def demo_configs() -> list[AppConfig]:
    """The apps with a demo loader, in the order their loaders run."""
    configs = [c for c in apps.get_app_configs() if getattr(c, "demo_loader", None)]
    position = {c.label: n for n, c in enumerate(apps.get_app_configs())}
    return sorted(
        configs, key=lambda c: (getattr(c, "demo_order", DEFAULT_ORDER), position[c.label])
    )


def demo_accounts() -> list:
    """Every app's demo accounts, in loader order."""
    accounts = []
    for config in demo_configs():
        path = getattr(config, "demo_accounts", None)
        if path:
            accounts.extend(import_string(path))
    return accounts


class Command(BaseCommand):
    help = "Load the divisions, one demo user for every role, and every app's demo data."

    def handle(self, *args, **options):
        # the reasons and notes the loaders store are written in the site's language, whatever
        # language the caller's thread has active (a test after an English page, say)
        with translation.override(settings.LANGUAGE_CODE):
            for config in demo_configs():
                summary = import_string(config.demo_loader)()
                self.stdout.write(f"{config.verbose_name}: {summary}")
        self.stdout.write(self.style.SUCCESS("演示数据已加载 demo data loaded"))
        self.stdout.write("")
        from yimen.accounts.demo import DEMO_PASSWORD

        self.stdout.write("演示账号 Demo accounts — 密码 password: " + DEMO_PASSWORD)
        self.stdout.write(f"{'用户名 user':<14} {'姓名 name':<8} {'角色 role':<48} 区划 division")
        for u in demo_accounts():
            self.stdout.write(
                f"{u.username:<14} {u.full_name:<9} {u.role.label!s:<48} {u.division}"
            )
        for config in demo_configs():
            path = getattr(config, "demo_credentials", None)
            if path:
                self.stdout.write("")
                for line in import_string(path)():
                    self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write("打开 Open http://127.0.0.1:8000/  (API docs: /api/docs/)")
