"""Divisions in the admin: browse and search the tree, add a division through the service
(accounts/divisions.py; imported by accounts/admin.py, which registers it).

Existing divisions are read-only here: renaming or moving one has no use case (and no
audit) yet, so the admin offers none rather than a silent, unaudited edit.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseRedirect

from yimen.errors import YimenError
from yimen.regions.models import Division

from .divisions import division_add
from .forms_divisions import DivisionAddForm

_REFUSED = "_yimen_division_add_refused"


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "full_name"]
    list_filter = ["level"]
    search_fields = ["name", "^code"]
    list_select_related = ["parent"]
    list_per_page = 100
    show_full_result_count = False  # no second COUNT over the whole tree on every search
    ordering = ["code"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["code", "name"]
        return ["code", "name", "level", "parent", "prefix", "full_name"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = DivisionAddForm.for_actor(request.user)
        return super().get_form(request, obj, change=change, **kwargs)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Add through ``division_add`` (checks, write and audit); never ``obj.save()``.

        The form already ran the service's checks; a refusal here means someone changed
        the tree in between, so the message is shown and the form offered again."""
        try:
            added = division_add(
                actor=request.user,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
            )
        except YimenError as error:
            setattr(request, _REFUSED, True)
            self.message_user(request, error.render(), level=messages.ERROR)
            return
        for field in Division._meta.concrete_fields:
            setattr(obj, field.attname, getattr(added, field.attname))
        obj._state.adding = False
        obj._state.db = added._state.db

    def log_addition(self, request, obj, message):
        if getattr(request, _REFUSED, False):
            return None
        return super().log_addition(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, _REFUSED, False):
            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)
