"""The form that adds a division in the admin. Thin: it asks the service whether the
addition would pass, so refusals appear on the form in the user's language."""

from __future__ import annotations

from typing import ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from yimen.errors import YimenError
from yimen.regions.errors import DivisionExists, InvalidDivisionCode, InvalidDivisionName
from yimen.regions.models import Division

from .divisions import division_add_check

#: refusals that concern one field; the others (forbidden, parent missing) are the form's
_FIELD_OF = {InvalidDivisionCode: "code", DivisionExists: "code", InvalidDivisionName: "name"}


class DivisionAddForm(forms.ModelForm):
    """Code and name of a new division; the service derives level, parent and full name.

    ``actor`` is set on a per-request subclass by the admin (``for_actor``), because the
    admin instantiates its form class without extra arguments."""

    actor: ClassVar = None

    class Meta:
        model = Division
        fields = ["code", "name"]
        help_texts = {
            "code": _(
                "2, 4, 6, 9 or 12 digits, e.g. 220102001 for a township of Nanguan District. "
                "The division above it must exist."
            ),
        }

    @classmethod
    def for_actor(cls, actor) -> type[DivisionAddForm]:
        """This form bound to the user who submits it."""
        return type(cls.__name__, (cls,), {"actor": actor})

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            division_add_check(
                actor=self.actor, code=cleaned.get("code", ""), name=cleaned.get("name", "")
            )
        except YimenError as error:
            self.add_error(_FIELD_OF.get(type(error)), error.render())
        return cleaned

    def validate_unique(self):
        """Skipped: the service refuses a taken code itself, with its stable error code."""
