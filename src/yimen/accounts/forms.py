from django import forms
from django.utils.translation import gettext_lazy as _

from .roles import Role


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


# --- managing users (issue 14): forms only parse; the services check and write ----------


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("Reason for the change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the audit log with who changed what and when."),
    )


def _division_field() -> forms.CharField:
    return forms.CharField(
        label=_("Division code"),
        max_length=12,
        help_text=_("The 6-, 9- or 12-digit code of the division the role acts in."),
    )


def _password_field(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    password = _password_field(_("Initial password"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    division_code = _division_field()
    reason = _reason_field()


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    is_active = forms.BooleanField(label=_("May log in"), required=False)
    reason = _reason_field()


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    division_code = _division_field()
    reason = _reason_field()


class RevokeForm(forms.Form):
    reason = _reason_field()


class PasswordSetForm(forms.Form):
    password = _password_field(_("New password"))
    reason = _reason_field()


# --- passwords (issue 15): the user's own change and an administrator's reset ----------


class _NewPasswordTwice(forms.Form):
    """The new password typed twice must match (the rules are the service's)."""

    def clean(self):
        data = super().clean()
        if (
            data.get("new_password1")
            and data.get("new_password2")
            and data["new_password1"] != data["new_password2"]
        ):
            self.add_error("new_password2", _("The two new passwords differ."))
        return data


class PasswordChangeForm(_NewPasswordTwice):
    """The user's own password change; the rules are checked by the service."""

    old_password = forms.CharField(
        label=_("Current password"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class PasswordResetForm(_NewPasswordTwice):
    """An administrator sets a new password for another user, with the reason."""

    new_password1 = forms.CharField(
        label=_("New password"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea)
