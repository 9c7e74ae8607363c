"""Django's ``createsuperuser``, with the password rules in non-interactive mode too.

Django checks AUTH_PASSWORD_VALIDATORS only when it prompts; ``--noinput`` with
DJANGO_SUPERUSER_PASSWORD took any password, "123" included. (yimen.accounts comes before
django.contrib.auth in INSTALLED_APPS so that this command is the one that runs.)"""

from __future__ import annotations

import os

from django.contrib.auth.management.commands import createsuperuser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from yimen.accounts.models import User


class Command(createsuperuser.Command):
    def handle(self, *args, **options):
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if not options["interactive"] and password is not None:
            username = options.get("username") or os.environ.get("DJANGO_SUPERUSER_USERNAME", "")
            try:
                validate_password(password, User(username=username or ""))
            except ValidationError as refused:
                raise CommandError(
                    "DJANGO_SUPERUSER_PASSWORD 不符合密码规则 does not pass the password "
                    "rules: " + " ".join(refused.messages)
                ) from None
        return super().handle(*args, **options)
