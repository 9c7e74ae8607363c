"""The signed copy of a person's data (PIPL Art. 45): a ZIP of a PDF summary, an Excel
workbook of every record about them across the services (and who looked at them), and a
manifest of the two files' SHA-256, signed with the deployment's audit key (Ed25519,
`audit.keys`). Anyone with the public key can check that the copy is the one we issued and
that nothing in it was changed (``verify_bundle``)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from reportlab.lib.units import mm

from yimen.audit.keys import AuditKey
from yimen.spreadsheets import xlsx_append
from yimen.web import pdf

from .models import AccessEntry
from .person_data import PersonData
from .purposes import purpose_label

FORMAT = "yimen-personal-data-copy/1"
SUMMARY, WORKBOOK, MANIFEST, SIGNATURE = (
    "summary.pdf",
    "records.xlsx",
    "manifest.json",
    "manifest.sig",
)


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _access_row(entry: AccessEntry) -> list[str]:
    return [
        _local(entry.occurred_at),
        entry.actor_name or _("system"),
        entry.get_kind_display(),
        purpose_label(entry.purpose) if entry.purpose else "",
        entry.note,
    ]


def workbook(data: PersonData) -> bytes:
    """One sheet per source that holds rows about the person, and one of the accesses."""
    book = Workbook()
    book.remove(book.active)
    for number, section in enumerate(data.sections, start=1):
        if not section.rows:
            continue
        sheet = book.create_sheet(f"{number:02d}")
        xlsx_append(sheet, [str(section.source.title)])
        xlsx_append(sheet, section.headers)
        for row in section.rows:
            xlsx_append(sheet, row)
    sheet = book.create_sheet(_("Who viewed"))
    xlsx_append(sheet, [_("Time"), _("Who"), _("Kind"), _("Purpose"), _("What was shown")])
    for entry in data.accesses:
        xlsx_append(sheet, _access_row(entry))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def summary_pdf(data: PersonData, *, name: str, request_no: int, issued_by: str) -> bytes:
    """The summary: who, what each service holds (how many records), who looked at it."""
    rows = [
        (_("Name"), name),
        (_("ID number"), data.id_number),
        (_("Request"), f"#{request_no}"),
        (_("Issued at"), _local(timezone.now())),
        (_("Issued by"), issued_by),
    ]
    holdings = [
        (str(section.source.title), str(len(section.rows)))
        for section in data.sections
        if section.rows
    ] or [(_("Records"), _("none"))]
    story = [
        *pdf.title(_("Copy of personal data")),
        pdf.LabelledRows(rows),
        pdf.TextBlock(_("What the platform holds about you (the records are in records.xlsx):")),
        pdf.LabelledRows(holdings, label_width=110 * mm),
        pdf.TextBlock(
            _(
                "Staff looked at your full record or exported it %(count)s times (listed in "
                "the workbook)."
            )
            % {"count": len(data.accesses)}
        ),
        pdf.TextBlock(
            _(
                "This copy is signed: manifest.sig is the signature of manifest.json, which "
                "holds the SHA-256 of both files."
            )
        ),
    ]
    return pdf.build(story, doc_title=_("Copy of personal data"), author=issued_by)


@dataclass(frozen=True)
class Bundle:
    data: bytes
    sha256: str


def build_bundle(
    data: PersonData, *, key: AuditKey, name: str, request_no: int, issued_by: str
) -> Bundle:
    """The ZIP: summary, workbook, manifest and the manifest's signature."""
    files = {
        SUMMARY: summary_pdf(data, name=name, request_no=request_no, issued_by=issued_by),
        WORKBOOK: workbook(data),
    }
    manifest = {
        "format": FORMAT,
        "request": request_no,
        "issued_at": timezone.now().isoformat(timespec="seconds"),
        "records": data.record_count,
        "files": {n: hashlib.sha256(b).hexdigest() for n, b in sorted(files.items())},
        "public_key": key.public_b64,
    }
    manifest_bytes = json.dumps(manifest, sort_keys=True, ensure_ascii=False, indent=1).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file_name, body in files.items():
            archive.writestr(file_name, body)
        archive.writestr(MANIFEST, manifest_bytes)
        archive.writestr(SIGNATURE, key.sign(manifest_bytes))
    body = buffer.getvalue()
    return Bundle(body, hashlib.sha256(body).hexdigest())


def verify_bundle(body: bytes, key: AuditKey) -> bool:
    """True when the manifest is signed by ``key`` and both files match it."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            manifest_bytes = archive.read(MANIFEST)
            signature = archive.read(SIGNATURE).decode()
            if not key.verifies(signature, manifest_bytes):
                return False
            manifest = json.loads(manifest_bytes)
            return all(
                hashlib.sha256(archive.read(file_name)).hexdigest() == digest
                for file_name, digest in manifest["files"].items()
            )
    except (zipfile.BadZipFile, KeyError, ValueError, UnicodeDecodeError):
        return False
