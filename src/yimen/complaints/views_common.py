"""What the staff pages of complaints share: a record in scope or 404, and the counter
forms that find a case by its number before calling one service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for
from yimen.errors import YimenError

from . import selectors
from .errors import NotInScope
from .forms import put_errors


def in_scope_or_404(fetch: Callable[[Any, int], Any], request, pk: int):
    """``fetch(user, pk)`` (a selector that fails closed), a 404 page outside the scope."""
    try:
        return fetch(request.user, pk)
    except NotInScope:
        raise Http404 from None


def post_by_case_number(request, form, action: Action, act, message: str, page: str):
    """A counter form: the case by its number in the user's scope for ``action``, then
    ``act(application, data)`` (one service call returning the record made). Returns the
    redirect to ``page`` of the record, or None and the status to show the form with."""
    data = dict(form.cleaned_data)
    try:
        application = selectors.application_by_case_number(
            request.user, data.pop("case_number"), action
        )
        made = act(application, data)
    except NotInScope:
        form.add_error("case_number", _("No such case in your township."))
        return None, 404
    except YimenError as exc:
        put_errors(form, exc)
        return None, exc.status
    messages.success(request, message)
    return redirect(page, made.pk), 200


def counter_page(
    request, form_class, action: Action, act, *, message: str, page: str, template: str
):
    """A counter page (re-examination request, reconsideration or lawsuit): for staff
    bound for ``action`` only; GET shows the form, POST finds the case by its number and
    calls ``act(application, data)`` (see ``post_by_case_number``)."""
    if not bindings_for(request.user, action):
        raise Http404
    form = form_class(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            done, status = post_by_case_number(request, form, action, act, message, page)
            if done is not None:
                return done
    return render(request, template, {"form": form}, status=status)


def form_action(request, form, call, *, message: str, done, again):
    """A POSTed form and one service call: ``call(cleaned_data)``; on success the message
    and the response ``done()``, else ``again(form, status)`` — the page with the errors."""
    if not form.is_valid():
        return again(form, 400)
    try:
        call(form.cleaned_data)
    except YimenError as exc:
        put_errors(form, exc)
        return again(form, exc.status)
    messages.success(request, message)
    return done()
