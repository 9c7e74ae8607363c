"""The division tree. Keyed by the 12-digit code, so scoping is a prefix match."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .codes import PREFIX_LENGTH, Level, prefix_of


class Division(models.Model):
    """An administrative division (省/市/县/乡/村) with its statistical code."""

    code = models.CharField(_("code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    prefix = models.CharField(_("code prefix"), max_length=12, db_index=True, editable=False)
    full_name = models.CharField(_("full name"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.short_code})"

    def save(self, *args, **kwargs):
        # prefix is derived from the code, never typed in; keeping it here is not business logic
        self.prefix = prefix_of(self.code)
        super().save(*args, **kwargs)

    @property
    def short_code(self) -> str:
        """GB/T 2260 six digits for county and above, the full code below."""
        return (
            self.code[:6]
            if self.level <= Level.COUNTY
            else self.code[: PREFIX_LENGTH[Level(self.level)]]
        )

    def contains(self, code: str) -> bool:
        """True when ``code`` is this division or lies beneath it."""
        return code.startswith(self.prefix)
