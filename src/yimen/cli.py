"""The `yimen` console command: a thin wrapper of Django's manage.py.

`yimen --help` lists Yimen's own commands first, so operators find `audit`,
`deadlines`, `load_demo` and friends without reading the code.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yimen.settings.base")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "yimen"
    if len(args) == 1 or args[1] in {"--help", "-h"}:
        _print_own_commands()
    execute_from_command_line(args)


def _print_own_commands() -> None:
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    own = sorted((name, app) for name, app in get_commands().items() if app.startswith("yimen."))
    print("Yimen commands (一门命令):")
    for name, app in own:
        help_text = load_command_class(app, name).help.strip().splitlines()[0]
        print(f"  {name:<22} {help_text}")
    print()
