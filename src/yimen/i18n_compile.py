"""Compile the .po catalogues to .mo with polib, so `make` needs no system gettext."""

from __future__ import annotations

from pathlib import Path

import polib


def main() -> None:
    root = Path(__file__).resolve().parent / "locale"
    for po_path in root.glob("*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))


if __name__ == "__main__":
    main()
