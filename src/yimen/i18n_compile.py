"""Compile the .po catalogues to .mo with polib, so `make` needs no system gettext."""

from __future__ import annotations

from pathlib import Path

import polib


def main() -> None:
    # the project catalogue and each app's own (src/yimen/<app>/locale/), which Django
    # finds by itself for every installed app
    package = Path(__file__).resolve().parent
    for po_path in package.glob("**/locale/*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))


if __name__ == "__main__":
    main()
