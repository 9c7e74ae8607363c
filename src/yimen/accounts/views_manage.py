"""Staff pages to manage users and their roles, scoped to the administrator's area
(``/accounts/manage/``): parse, call one service or selector, render (house rule 2).

Chosen over the stock Django admin because the admin knows neither our scoping (a county
administrator must see and touch only its county's users) nor our audit; every change here
goes through a use case of ``accounts.services`` that checks both."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from yimen.errors import NotFound, YimenError
from yimen.regions.codes import InvalidCode, normalize_code
from yimen.regions.models import Division

from . import forms, managing, services
from .errors import DivisionUnknown
from .models import RoleBinding
from .roles import Action
from .scoping import bindings_for
from .selectors import access_user_by_id, search_users, user_in_reach


def _require_manager(request) -> None:
    if not bindings_for(request.user, Action.ACCOUNT_MANAGE):
        raise PermissionDenied


def _division(code: str) -> Division:
    try:
        division = Division.objects.filter(pk=normalize_code(code)).first()
    except InvalidCode:
        division = None
    if division is None:
        raise DivisionUnknown()
    return division


def _attach(form, exc: YimenError) -> None:
    for name, problems in getattr(exc, "fields", {}).items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


def _user(request, user_id):
    try:
        return access_user_by_id(request.user, user_id)
    except NotFound as exc:
        raise Http404(exc.render()) from exc


@require_safe
@login_required
def users(request):
    _require_manager(request)
    query = request.GET.get("q", "").strip()[:50]
    page = Paginator(search_users(request.user, query), 50).get_page(request.GET.get("page"))
    areas = bindings_for(request.user, Action.ACCOUNT_MANAGE)
    return render(request, "accounts/manage/users.html", {"page": page, "q": query, "areas": areas})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def user_new(request):
    _require_manager(request)
    form = forms.UserCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = managing.user_create(
                    actor=request.user,
                    username=data["username"],
                    full_name=data["full_name"],
                    phone=data["phone"],
                    password=data["password"],
                    role=data["role"],
                    division=_division(data["division_code"]),
                    reason=data["reason"],
                )
            except YimenError as exc:
                _attach(form, exc)
                messages.error(request, exc.render())
                status = exc.status
            else:
                messages.success(request, _("User %(name)s created.") % {"name": user.username})
                return redirect("accounts:manage_user", user_id=user.pk)
        else:
            status = 400
            messages.error(request, _("Some entries are not valid; nothing was saved."))
    return render(request, "accounts/manage/user_new.html", {"form": form}, status=status)


def _user_page(request, user, *, bound: dict | None = None, status: int = 200):
    bound = bound or {}
    bindings = RoleBinding.objects.filter(user=user).select_related("division", "granted_by")
    context = {
        "subject": user,
        "editable": user_in_reach(request.user, user),
        "bindings": bindings.order_by("-active", "role", "division_id"),
        "edit_form": bound.get("edit")
        or forms.UserEditForm(
            initial={"full_name": user.full_name, "phone": user.phone, "is_active": user.is_active}
        ),
        "grant_form": bound.get("grant") or forms.GrantForm(),
        "password_form": bound.get("password") or forms.PasswordSetForm(),
        "revoke_form": bound.get("revoke") or forms.RevokeForm(),
    }
    return render(request, "accounts/manage/user.html", context, status=status)


@require_safe
@login_required
def user_page(request, user_id):
    _require_manager(request)
    return _user_page(request, _user(request, user_id))


def _post(request, user, key: str, form, call):
    """Validate ``form``, run ``call(cleaned_data)``; back to the page with the outcome."""
    if not form.is_valid():
        messages.error(request, _("Some entries are not valid; nothing was saved."))
        return _user_page(request, user, bound={key: form}, status=400)
    try:
        call(form.cleaned_data)
    except YimenError as exc:
        _attach(form, exc)
        messages.error(request, exc.render())
        return _user_page(request, user, bound={key: form}, status=exc.status)
    messages.success(request, _("Saved."))
    return redirect("accounts:manage_user", user_id=user.pk)


@require_POST
@login_required
def user_edit(request, user_id):
    _require_manager(request)
    user = _user(request, user_id)
    return _post(
        request,
        user,
        "edit",
        forms.UserEditForm(request.POST),
        lambda d: managing.user_update(
            actor=request.user,
            user=user,
            full_name=d["full_name"],
            phone=d["phone"],
            is_active=d["is_active"],
            reason=d["reason"],
        ),
    )


@require_POST
@login_required
def user_password(request, user_id):
    _require_manager(request)
    user = _user(request, user_id)
    return _post(
        request,
        user,
        "password",
        forms.PasswordSetForm(request.POST),
        lambda d: managing.user_password_set(
            actor=request.user, user=user, password=d["password"], reason=d["reason"]
        ),
    )


@require_POST
@login_required
def binding_grant(request, user_id):
    _require_manager(request)
    user = _user(request, user_id)
    return _post(
        request,
        user,
        "grant",
        forms.GrantForm(request.POST),
        lambda d: services.role_grant(
            actor=request.user,
            user=user,
            role=d["role"],
            division=_division(d["division_code"]),
            reason=d["reason"],
        ),
    )


@require_POST
@login_required
def binding_revoke(request, user_id, binding_id):
    _require_manager(request)
    user = _user(request, user_id)
    binding = RoleBinding.objects.filter(user=user, pk=binding_id).first()
    if binding is None:
        raise Http404
    return _post(
        request,
        user,
        "revoke",
        forms.RevokeForm(request.POST),
        lambda d: services.role_revoke(actor=request.user, binding=binding, reason=d["reason"]),
    )
