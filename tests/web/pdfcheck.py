"""Reading a PDF the way a citizen's reader would: poppler's tools, not reportlab's own.

``pdffonts`` must list every font as embedded (a reader without CJK font data shows a
blank page otherwise), ``pdftoppm`` must paint ink on every page, and ``pdftotext`` gives
each page's lines, so a test can check that an amount sits whole on one line."""

# ruff: noqa: S603 — poppler's own tools, with our own arguments

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} not found: install poppler-utils (.ci/run does)"
    return path


def _run(name: str, *args: str) -> str:
    return subprocess.run([_tool(name), *args], check=True, capture_output=True, text=True).stdout


def fonts(pdf: bytes) -> list[dict[str, str]]:
    """pdffonts' table: name, type and whether the font is embedded."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        out = _run("pdffonts", f.name).splitlines()[2:]
    return [{"name": line.split()[0], "emb": line.split()[-5]} for line in out if line.strip()]


def page_texts(pdf: bytes) -> list[list[str]]:
    """Each page's text lines (pdftotext), pages in order."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        text = _run("pdftotext", "-layout", f.name, "-")
    return [[line.strip() for line in page.splitlines()] for page in text.split("\f")[:-1]]


def ink(pdf: bytes, *, dpi: int = 40) -> list[int]:
    """Non-white pixels on each rendered page (greyscale PGM, so no image library)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [_tool("pdftoppm"), "-gray", "-r", str(dpi), str(source), str(Path(tmp) / "page")],
            check=True,
            capture_output=True,
        )
        counts = []
        for page in sorted(Path(tmp).glob("page*.pgm")):
            data = page.read_bytes()
            # P5 header: magic, width, height, maxval, each ended by whitespace
            fields, rest = data.split(maxsplit=4)[:4], data.split(maxsplit=4)[4]
            width, height = int(fields[1]), int(fields[2])
            pixels = rest[: width * height]
            counts.append(sum(1 for value in pixels if value < 160))
        return counts


def assert_readable(pdf: bytes, *, lines: tuple[str, ...] = (), texts: tuple[str, ...] = ()):
    """Every font embedded, every page inked, each of ``lines`` whole on one line."""
    listed = fonts(pdf)
    assert listed, "no font in the PDF"
    assert all(font["emb"] == "yes" for font in listed), listed
    assert all(count > 500 for count in ink(pdf)), ink(pdf)
    every_line = [line for page in page_texts(pdf) for line in page]
    for wanted in lines:
        assert any(wanted in line for line in every_line), (wanted, every_line)
    joined = "".join(every_line)
    for wanted in texts:
        assert wanted in joined, (wanted, joined)
