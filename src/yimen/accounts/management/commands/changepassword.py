"""Django's ``changepassword``, through the audited service: the password rules, the API
tokens revoked and a PASSWORD_RESET event naming the command. (yimen.accounts comes before
django.contrib.auth in INSTALLED_APPS so that this command is the one that runs.)"""

from __future__ import annotations

import getpass

from django.contrib.auth.management.commands import changepassword
from django.core.management.base import CommandError

from yimen.accounts.models import User
from yimen.accounts.passwords import PasswordRejected, user_password_set_from_command_line

MAX_TRIES = 3


class Command(changepassword.Command):
    help = "Change a user's password (rules checked, API tokens revoked, audited)."

    def handle(self, *args, **options):
        username = options["username"] or getpass.getuser()
        user = User.objects.db_manager(options["database"]).filter(username=username).first()
        if user is None:
            raise CommandError(f"user '{username}' does not exist / 用户不存在")
        self.stdout.write(f"Changing password for user '{user}'")
        for _ in range(MAX_TRIES):
            first = self._get_pass()
            if first != self._get_pass("Password (again): "):
                self.stdout.write("Passwords do not match. Please try again.")
                continue
            try:
                user_password_set_from_command_line(
                    user=user, new_password=first, command="changepassword"
                )
            except PasswordRejected as refused:
                self.stderr.write(refused.render("zh-hans") + "\n" + refused.render("en"))
                continue
            return f"Password changed successfully for user '{user}'"
        raise CommandError(f"Aborting password change for user '{user}' after {MAX_TRIES} attempts")
