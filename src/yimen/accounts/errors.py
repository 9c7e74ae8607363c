"""Coded errors of accounts: a stable code, Chinese and English text (house rule 7)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from yimen.errors import Conflict, Forbidden, Invalid, NotFound


class PasswordRejected(Invalid):
    code = "accounts.password_rejected"

    def __init__(self, problems: dict[str, list[str]]):
        # Django's validators translate their messages when they raise, so the reasons are
        # kept in both languages (``problems`` by language) and picked when rendered
        self.problems = problems
        active = "en" if (translation.get_language() or "").startswith("en") else "zh-hans"
        super().__init__(
            _("The new password is not accepted: %(problems)s"),
            problems="",
            fields={"new_password": problems[active]},
        )

    def render(self, language: str | None = None) -> str:
        language = language or translation.get_language() or "zh-hans"
        reasons = self.problems["en" if language.startswith("en") else "zh-hans"]
        with translation.override(language):
            return str(self.message) % {"problems": " ".join(reasons)}


class WrongPassword(Invalid):
    code = "accounts.wrong_password"

    def __init__(self):
        super().__init__(_("The current password is not correct."))


class DivisionUnknown(Invalid):
    code = "accounts.division_unknown"

    def __init__(self):

        super().__init__(
            _("There is no division with this code."),
            fields={"division_code": [str(_("There is no division with this code."))]},
        )


class LoginRefused(Invalid):
    code = "accounts.login_refused"

    def __init__(self):
        super().__init__(_("The user name or password is not correct."))


class AccountLocked(Forbidden):
    code = "accounts.locked"

    def __init__(self, minutes: int):
        super().__init__(
            _(
                "Too many failed logins. Try again in %(minutes)d minutes or ask "
                "the system administrator."
            ),
            minutes=minutes,
        )


class RoleExists(Conflict):
    code = "accounts.role_exists"

    def __init__(self):
        super().__init__(_("This user already holds this role in this division."))


class UnknownRole(Invalid):
    code = "accounts.unknown_role"

    def __init__(self, role):
        super().__init__(_("There is no role “%(role)s”."), role=role)


class RoleNotActive(Conflict):
    code = "accounts.role_not_active"

    def __init__(self):
        super().__init__(_("This role was already revoked."))


class UserNotFound(NotFound):
    code = "accounts.user_not_found"

    def __init__(self):
        super().__init__(_("There is no such user in your area."))


class ReasonRequired(Invalid):
    code = "accounts.reason_required"

    def __init__(self):
        super().__init__(
            _("Give the reason for the change; it is kept in the audit log."),
            fields={"reason": [str(_("This field is required."))]},
        )


class UserInvalid(Invalid):
    code = "accounts.user_invalid"

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__(_("Some entries are not valid; nothing was saved."), fields=fields)


class UsernameTaken(Conflict):
    code = "accounts.username_taken"

    def __init__(self, username: str):
        super().__init__(_("The user name “%(username)s” is already taken."), username=username)


class NothingChanged(Invalid):
    code = "accounts.nothing_changed"

    def __init__(self):
        super().__init__(_("Nothing was changed."))


class NotManager(Forbidden):
    code = "accounts.not_manager"

    def __init__(self):
        super().__init__(_("You may not manage accounts in this division."))


class NotYourUser(Forbidden):
    code = "accounts.not_your_user"

    def __init__(self):
        super().__init__(_("This user holds roles outside your area; you may not change them."))


class SelfManagement(Forbidden):
    code = "accounts.self_management"

    def __init__(self):
        super().__init__(
            _("You may not change your own account or roles; ask another administrator.")
        )
