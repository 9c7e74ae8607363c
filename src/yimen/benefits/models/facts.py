"""The facts of each household on the roster, kept in a compact form for the rules' batch.

Re-evaluating a whole roster (benefits.services.recalc) needs every member's birth date,
disability, work ability and incomes and every household's assets. Read from the
normalised application tables that is a join over millions of member and income rows, and
most of the time goes into turning each value into a Python object (about 20 s for a
million households). The facts of an application never change once it is submitted (the
intake writes them once; a changed household is a review, and a new application), so the
roster keeps a copy per household: one fixed-size record for the household and one per
member, as one byte string laid out by ``benefits.facts_codec``. A million households then
read as a million rows of one byte string each, decoded by NumPy without a Python object
per value.

The copy is written when a household is enrolled and topped up by the batch itself for any
household that has none or one of an older layout, from the same application tables
(``benefits.frames.source_frames``); ``yimen benefits_facts`` compares it with them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RowidOneToOneField(models.OneToOneField):
    """A one-to-one primary key that SQLite stores as the table's rowid: Django declares
    it ``bigint``, which SQLite keeps as a separate index next to the rowid, so every
    lookup by household descended two B-trees instead of one."""

    def db_type(self, connection):
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)


class HouseholdFacts(models.Model):
    beneficiary = RowidOneToOneField(
        "benefits.Beneficiary",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="facts",
        verbose_name=_("household"),
    )
    layout = models.PositiveIntegerField(
        _("layout"), help_text=_("Version of the byte layout (benefits.facts_codec.LAYOUT).")
    )
    hardship_tier = models.CharField(_("hardship tier"), max_length=50, blank=True)
    records = models.BinaryField(
        _("records"), help_text=_("The household record, then one record per member.")
    )

    class Meta:
        verbose_name = _("household facts for the rules")
        verbose_name_plural = _("household facts for the rules")

    def __str__(self) -> str:
        return f"facts of {self.beneficiary_id}"
