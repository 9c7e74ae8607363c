"""The admin site's doors go through the same lockout, attempt log and audit as the pages.

The stock admin login called ``authenticate`` directly: unlimited guesses against the
superuser, nothing recorded. Its form now calls ``user_login`` (lockout per account and per
address, LoginAttempt, audit); its logout is ours (audited, API tokens revoked) and its
password change is our page (password rules, tokens revoked, audited). Users are listed
read-only, with a link to the audited password reset.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from yimen.errors import YimenError

from . import admin_divisions  # noqa: F401  (registers the division admin)
from .addresses import client_address
from .models import User
from .services import user_login
from .views import logout_view


class LockoutAdminLoginForm(AdminAuthenticationForm):
    """The admin login form, checking the password through ``user_login``."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = user_login(
                    username=username,
                    password=password,
                    address=client_address(self.request),
                    request=self.request,
                )
            except YimenError as exc:
                raise ValidationError(exc.render(), code=exc.code) from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


def _password_change(request, extra_context=None):
    return redirect("accounts:password_change")


admin.site.login_form = LockoutAdminLoginForm
admin.site.logout = lambda request, extra_context=None: logout_view(request)
admin.site.password_change = _password_change


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    """Users, read-only: roles change through role_grant/role_revoke, passwords through
    the audited reset page linked here."""

    list_display = ["username", "full_name", "is_active", "is_staff", "last_login", "reset"]
    search_fields = ["username", "full_name"]
    list_filter = ["is_active", "is_staff"]
    fields = ["username", "full_name", "phone", "is_active", "is_staff", "last_login"]
    readonly_fields = fields

    @admin.display(description=_("Password"))
    def reset(self, obj):
        url = reverse("accounts:password_reset", args=[obj.username])
        return format_html('<a href="{}">{}</a>', url, _("Reset password"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
