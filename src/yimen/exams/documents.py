"""The exams' PDFs, laid out by web/pdf.py: the admission ticket and the certificate,
whose QR code leads to the public verification page (number + name)."""

from __future__ import annotations

import io
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.platypus import Image

from yimen.people import mask_id
from yimen.web import pdf

from .models import Certificate, Paper


def _qr(text: str, size: float = 32 * mm) -> Drawing:
    widget = QrCodeWidget(text)
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return drawing


def _photo(candidate) -> Image | None:
    """The candidate's photo (a JPEG normalised at upload, photos.py), 30 × 40 mm, or None
    when there is none or its file is gone."""
    if not candidate.photo:
        return None
    try:
        with candidate.photo.open("rb") as handle:
            data = handle.read()
    except OSError:
        return None
    return Image(io.BytesIO(data), width=30 * mm, height=40 * mm, kind="proportional")


def ticket_pdf(paper: Paper) -> bytes:
    """The admission ticket: the photo (so the invigilator can match the face at the seat),
    seat, room, time and the ticket code for signing in."""
    candidate = paper.application.candidate
    rows = [
        (_("Name"), candidate.name),
        (_("ID number"), mask_id(candidate.id_number)),
        (_("Category"), paper.application.category.name),
        (_("Session"), paper.session.name),
        (_("Site"), f"{paper.session.site} {paper.session.room}"),
        (_("Starts at"), timezone.localtime(paper.session.starts_at).strftime("%Y-%m-%d %H:%M")),
        (_("Seat"), str(paper.seat)),
        (_("Ticket code"), paper.ticket),
    ]
    photo = _photo(candidate)
    story = [
        *pdf.title(_("Admission ticket")),
        *([photo] if photo is not None else [pdf.TextBlock(_("No photo on file."))]),
        pdf.LabelledRows(rows),
        pdf.TextBlock(_("Sign in at your seat with your ID number and this ticket code.")),
    ]
    return pdf.build(story, doc_title=_("Admission ticket"))


def verify_url(base: str, certificate: Certificate) -> str:
    return (
        base + "?" + urlencode({"number": certificate.number, "name": certificate.candidate.name})
    )


def certificate_pdf(certificate: Certificate, *, verify_base: str) -> bytes:
    """The certificate with its QR code to the verification page."""
    category = certificate.application.category
    rows = [
        (_("Certificate number"), certificate.number),
        (_("Name"), certificate.candidate.name),
        (_("ID number"), mask_id(certificate.candidate.id_number)),
        (_("Post"), category.get_post_display()),
        (_("Category"), category.name),
        (_("Issued on"), str(certificate.issued_on or "")),
        (_("Valid until"), str(certificate.valid_until or "")),
        (_("Review due"), str(certificate.review_due_on or "")),
    ]
    signer = certificate.signer.get_full_name() if certificate.signer else ""
    story = [
        *pdf.title(_("Safety qualification certificate")),
        pdf.LabelledRows(rows),
        _qr(verify_url(verify_base, certificate)),
        pdf.TextBlock(_("Scan to verify: number and name.")),
        pdf.closing([], [signer, _("Certificate officer")]),
    ]
    return pdf.build(story, doc_title=_("Safety qualification certificate"), author=signer)
