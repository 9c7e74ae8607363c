"""Login and logout pages: parse, call the service, render (house rule 2)."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.errors import YimenError

from .addresses import client_address
from .forms import LoginForm
from .services import user_login

__all__ = ["client_address", "login_view", "logout_view"]


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
        record_event(event_type=EventType.LOGOUT, subject=request.user, actor=request.user)
    logout(request)
    return redirect("accounts:login")
