"""Login, logout and password pages: parse, call the service, render (house rule 2)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.errors import YimenError

from .addresses import client_address
from .forms import LoginForm, PasswordChangeForm, PasswordResetForm
from .managing import can_reset_password, user_password_reset
from .models import User
from .passwords import user_password_change
from .services import user_login
from .tokens import tokens_revoke

__all__ = [
    "client_address",
    "login_view",
    "logout_view",
    "password_change_view",
    "password_reset_view",
]


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = LoginForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            user = user_login(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                address=client_address(request),
                request=request,
            )
        except YimenError as exc:
            error = exc
        else:
            login(request, user)
            return redirect(next_url or "web:home")
    status = 403 if error is not None and error.status == 403 else 200
    return render(
        request,
        "accounts/login.html",
        {"form": form, "error": error, "next": next_url},
        status=status,
    )


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        # logging out ends the API token too: a token copied from this user stops working
        revoked = tokens_revoke(request.user)
        record_event(
            event_type=EventType.LOGOUT,
            subject=request.user,
            actor=request.user,
            new={"tokens_revoked": revoked} if revoked else None,
        )
    logout(request)
    return redirect("accounts:login")


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@csrf_protect
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change_view(request):
    form = PasswordChangeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            user_password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except YimenError as exc:
            error = exc
        else:
            update_session_auth_hash(request, request.user)  # this session stays logged in
            messages.success(request, _("Your password was changed."))
            return redirect("web:home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "error": error, "rules": password_validators_help_texts()},
        status=error.status if error else 200,
    )


@sensitive_post_parameters("new_password1", "new_password2")
@csrf_protect
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_reset_view(request, username):
    target = User.objects.filter(username=username).first()
    # someone the actor may not reset looks like no one (existence does not leak)
    if target is None or not can_reset_password(request.user, target):
        raise Http404
    form = PasswordResetForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            user_password_reset(
                actor=request.user,
                user=target,
                new_password=form.cleaned_data["new_password1"],
                reason=form.cleaned_data["reason"],
            )
        except YimenError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("The password of %(user)s was reset.") % {"user": target.get_full_name()},
            )
            return redirect("web:home")
    return render(
        request,
        "accounts/password_reset.html",
        {
            "form": form,
            "error": error,
            "target": target,
            "rules": password_validators_help_texts(),
        },
        status=error.status if error else 200,
    )
