from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from yimen.assistance.demo import EXTRA_USERS, load_assistance_demo
from yimen.web.demo import DEMO_PASSWORD, DemoUser, load_demo_users


class Command(BaseCommand):
    help = "Load the divisions, one demo user for every role, and a few demo cases."

    def handle(self, *args, **options):
        call_command("load_divisions", verbosity=0)
        call_command("load_parameters", verbosity=0)  # the rules' Changchun defaults
        users = load_demo_users()
        cases = load_assistance_demo()
        # each app may name its own demo loader on its AppConfig (`demo_loader = "dotted.path"`):
        # a callable taking no arguments that loads its data idempotently and returns a summary
        for config in apps.get_app_configs():
            loader = getattr(config, "demo_loader", None)
            if loader:
                summary = import_string(loader)()
                self.stdout.write(f"{config.verbose_name}: {summary}")
        users = [*users, *(DemoUser(*extra) for extra in EXTRA_USERS)]
        self.stdout.write(
            self.style.SUCCESS(f"演示数据已加载 demo data loaded ({cases} new cases)")
        )
        self.stdout.write("")
        self.stdout.write("演示账号 Demo accounts — 密码 password: " + DEMO_PASSWORD)
        self.stdout.write(f"{'用户名 user':<14} {'姓名 name':<8} {'角色 role':<48} 区划 division")
        for u in users:
            self.stdout.write(
                f"{u.username:<14} {u.full_name:<9} {u.role.label!s:<48} {u.division}"
            )
        self.stdout.write("")
        self.stdout.write("打开 Open http://127.0.0.1:8000/  (API docs: /api/docs/)")
