"""The printed 申报书 (PDF, laid out by web/pdf.py): the unit, every item with its facts,
the declaration and the signature and seal block."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from yimen.money import format_yuan
from yimen.web import pdf

from .models import Application, ItemType


def _item_rows(n: int, item) -> list[tuple[str, str]]:
    head = f"{n}. {item.get_item_type_display()}"
    if item.item_type == ItemType.PIT:
        body = _("%(material)s; %(l)s × %(w)s × %(d)s m; started %(on)s; at %(lat)s, %(lon)s") % {
            "material": item.get_material_display(),
            "l": item.length_m,
            "w": item.width_m,
            "d": item.depth_m,
            "on": item.started_on,
            "lat": item.latitude,
            "lon": item.longitude,
        }
    elif item.item_type == ItemType.FEED:
        body = _("%(year)s crop; %(method)s; %(q)s %(unit)s") % {
            "year": item.crop_year,
            "method": item.get_method_display(),
            "q": item.quantity,
            "unit": item.get_quantity_unit_display(),
        }
    else:
        body = _("%(model)s; serial %(serial)s; invoice %(invoice)s of %(on)s") % {
            "model": item.model_name,
            "serial": item.serial_number,
            "invoice": item.invoice_number,
            "on": item.invoice_date,
        }
    if item.approved_amount is not None:
        body += " · " + _("approved %(amount)s yuan") % {
            "amount": format_yuan(item.approved_amount)
        }
    return [(head, body)]


def application_pdf(application: Application) -> bytes:
    """The 申报书 with all its items, for the unit's signature and the bureau's file."""
    unit = application.unit
    rows = [
        (_("Number"), application.number),
        (_("Scheme"), application.scheme.name),
        (_("Unit"), unit.name),
        (_("Applicant type"), unit.get_applicant_type_display()),
        (_("ID number or credit code"), unit.identity),
        (_("Village"), unit.division.name),
        (_("Contact"), f"{unit.contact_name} {unit.phone}"),
        (_("Farm-subsidy card"), f"{unit.bank_name} {unit.card_number}"),
        (_("Status"), application.get_status_display()),
    ]
    if application.submitted_at:
        rows.append(
            (
                _("Submitted at"),
                timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M"),
            )
        )
    items: list[tuple[str, str]] = []
    for n, item in enumerate(application.items.order_by("pk"), start=1):
        items += _item_rows(n, item)
    title = _("Application for the straw-to-meat pilot construction subsidy")
    story = [
        *pdf.title(title, size=16),
        pdf.LabelledRows(rows),
        pdf.TextBlock(_("Items applied for")),
        pdf.LabelledRows(items or [("—", _("No items"))]),
        pdf.closing(
            [
                pdf.TextBlock(
                    _("We declare that the above is true and accept the bureau's inspection.")
                )
            ],
            [_("Applicant (signature or seal):"), _("Date:")],
        ),
    ]
    return pdf.build(story, doc_title=title, author=unit.name, footer=application.number)
