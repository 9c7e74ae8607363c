"""What every PDF of the platform shares: the embedded Chinese font, line breaking and the
signature and seal block.

Notices and forms are printed and read by citizens in whatever reader they have, so the
font travels inside the file: WenQuanYi Micro Hei (Apache-2.0, TrueType outlines, which
reportlab can embed; CFF-based OpenType such as Noto Sans CJK it cannot), shipped on PyPI
by ``paperang-p2-fonts-cjk``. reportlab embeds only the glyphs a document uses (a subset),
so a one-page notice grows by some tens of kilobytes, not by the font's 5 MB.

Lines are broken here rather than by reportlab's CJK wrapping, which cuts anywhere: an
amount with its unit (``700.00元``), an upper-case RMB amount, a case or ID number stays
on one line, and closing punctuation never starts one."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterable, Sequence
from importlib import resources

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, KeepTogether, SimpleDocTemplate, Spacer

FONT = "YimenCJK"
FONT_PACKAGE = "paperang_p2_fonts_cjk"
FONT_FILE = "fonts/wqy-microhei.ttc"  # face 0: WenQuanYi Micro Hei (proportional)

PAGE = A4
MARGIN_X = 22 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 22 * mm
TEXT_WIDTH = PAGE[0] - 2 * MARGIN_X

_lock = threading.Lock()

# Tokens that must not be broken across lines, tried at each position: a run of Latin
# letters, digits and number punctuation with its unit (−120.00元, 1,234.56 元, a case or
# ID number, 2026-12-01), an upper-case RMB amount, and a run of spaces.
_UNBREAKABLE = re.compile(
    r"[¥￥]?[A-Za-z0-9_./:#@\-+−,…]*[A-Za-z0-9](?:\s?(?:元|%|个月|户|人|年|月|日))?"
    r"|(?:人民币)?[零壹贰叁肆伍陆柒捌玖拾佰仟万亿]+[元圆](?:[零壹贰叁肆伍陆柒捌玖]?[角分])*整?"
    r"| +"
)
# Characters that may not begin a line (line-start kinsoku): they hang on the line before.
_NO_LINE_START = set("，。、；：？！）》」』〉】”’%…·,.;:?!)]}")
# Characters that may not end a line (line-end kinsoku): they move to the next one.
_NO_LINE_END = set("（《「『〈【“‘([{")


def font_path() -> str:
    """The TrueType collection inside the installed font package."""
    return str(resources.files(FONT_PACKAGE).joinpath(FONT_FILE))


def register_font() -> str:
    """Register the embedded CJK font once per process and return its name."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return FONT
    with _lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT, font_path(), subfontIndex=0))
    return FONT


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(text):
        match = _UNBREAKABLE.match(text, i)
        if match and match.end() > i:
            out.append(match.group())
            i = match.end()
        else:
            out.append(text[i])
            i += 1
    return out


def wrap(text: str, width: float, size: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points at ``size``.

    Breaks fall between Chinese characters or tokens, never inside an amount or a number;
    a token wider than a whole line (a long signature digest) is cut by character."""
    register_font()

    def measure(s: str) -> float:
        return pdfmetrics.stringWidth(s, FONT, size)

    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for token in _tokens(paragraph):
            if measure(line + token) <= width:
                line += token
            elif token[0] in _NO_LINE_START and line.strip():
                line += token  # hangs in the margin, as in Chinese typesetting
            elif token.isspace():
                lines.append(line)
                line = ""
            else:
                carried = ""
                while line and line[-1] in _NO_LINE_END:
                    line, carried = line[:-1], line[-1] + carried
                if line.strip():
                    lines.append(line.rstrip())
                line = carried
                if measure(line + token) <= width:
                    line += token
                    continue
                for ch in token:  # wider than a whole line (a digest): cut by character
                    if line.strip() and measure(line + ch) > width:
                        lines.append(line)
                        line = ""
                    line += ch
        lines.append(line)
    return lines


class TextBlock(Flowable):
    """Lines of text wrapped by :func:`wrap`; split between pages at a line boundary."""

    def __init__(
        self,
        text: str | Sequence[str],
        *,
        size: float = 12,
        leading: float | None = None,
        indent: float = 0,
        align: str = "left",
    ):
        super().__init__()
        self.paragraphs = [text] if isinstance(text, str) else list(text)
        self.size = size
        self.leading = leading or size * 1.5
        self.indent = indent
        self.align = align
        self._lines: list[str] = []

    def wrap(self, availWidth, availHeight):
        self._lines = [
            line
            for paragraph in self.paragraphs
            for line in wrap(paragraph, availWidth - self.indent, self.size)
        ]
        self.width = availWidth
        self.height = len(self._lines) * self.leading
        return self.width, self.height

    def split(self, availWidth, availHeight):
        self.wrap(availWidth, availHeight)
        fits = int(availHeight // self.leading)
        if fits <= 0 or fits >= len(self._lines):
            return [] if fits <= 0 else [self]
        return [self._part(self._lines[:fits]), self._part(self._lines[fits:])]

    def _part(self, lines: list[str]) -> TextBlock:
        return TextBlock(
            lines, size=self.size, leading=self.leading, indent=self.indent, align=self.align
        )

    def draw(self):
        canvas = self.canv
        canvas.setFont(FONT, self.size)
        y = self.height - self.size
        for line in self._lines:
            if self.align == "center":
                canvas.drawCentredString(self.width / 2, y, line)
            elif self.align == "right":
                canvas.drawRightString(self.width, y, line)
            else:
                canvas.drawString(self.indent, y, line)
            y -= self.leading


class LabelledRows(Flowable):
    """Two columns of a form: a label and its value, the value wrapped in its column."""

    def __init__(self, rows: Iterable[tuple[str, str]], *, size: float = 11, label_width=43 * mm):
        super().__init__()
        self.rows = list(rows)
        self.size = size
        self.leading = size * 1.9
        self.label_width = label_width
        self._laid: list[tuple[str, list[str]]] = []

    def wrap(self, availWidth, availHeight):
        value_width = availWidth - self.label_width
        self._laid = [(label, wrap(value, value_width, self.size)) for label, value in self.rows]
        self.width = availWidth
        self.height = sum(len(lines) for _, lines in self._laid) * self.leading
        return self.width, self.height

    def split(self, availWidth, availHeight):
        self.wrap(availWidth, availHeight)
        used, count = 0.0, 0
        for _, lines in self._laid:
            if used + len(lines) * self.leading > availHeight:
                break
            used += len(lines) * self.leading
            count += 1
        if count == 0 or count == len(self.rows):
            return [] if count == 0 else [self]
        head, tail = self.rows[:count], self.rows[count:]
        return [
            LabelledRows(head, size=self.size, label_width=self.label_width),
            LabelledRows(tail, size=self.size, label_width=self.label_width),
        ]

    def draw(self):
        canvas = self.canv
        canvas.setFont(FONT, self.size)
        y = self.height - self.size
        for label, lines in self._laid:
            canvas.drawString(0, y, label)
            for line in lines:
                canvas.drawString(self.label_width, y, line)
                y -= self.leading


class SealArea(Flowable):
    """The dashed circle where the office stamps its seal, labelled 盖章处."""

    def __init__(self, diameter: float = 38 * mm):
        super().__init__()
        self.width = self.height = diameter

    def wrap(self, availWidth, availHeight):
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        r = self.width / 2
        canvas.saveState()
        canvas.setStrokeGray(0.55)
        canvas.setFillGray(0.55)
        canvas.setDash(3, 2)
        canvas.circle(r, r, r - 1, stroke=1, fill=0)
        canvas.setFont(FONT, 10)
        canvas.drawCentredString(r, r * 0.4, "（盖章处）")
        canvas.restoreState()


class SignatureBlock(Flowable):
    """Signer, office and date on the right half, the seal area over them."""

    def __init__(self, lines: Sequence[str], *, size: float = 12, seal: bool = True):
        super().__init__()
        self.lines = list(lines)
        self.size = size
        self.leading = size * 1.7
        self.seal = SealArea() if seal else None

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self._column = availWidth * 0.5
        self._text = [line for text in self.lines for line in wrap(text, self._column, self.size)]
        text_height = len(self._text) * self.leading
        self.height = max(text_height, self.seal.height if self.seal else 0) + 4 * mm
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        x = self.width - self._column
        if self.seal:
            # the seal overlaps the office name and date, as a stamped notice does
            self.seal.drawOn(canvas, self.width - self.seal.width - 6 * mm, 0)
        canvas.setFont(FONT, self.size)
        y = self.height - self.size - 4 * mm
        for line in self._text:
            canvas.drawString(x, y, line)
            y -= self.leading


def closing(last: Sequence[Flowable], signature: Sequence[str], *, seal: bool = True):
    """The last paragraphs and the signature/seal block, never separated by a page break."""
    return KeepTogether([*last, Spacer(1, 6 * mm), SignatureBlock(signature, seal=seal)])


def title(text: str, *, size: float = 20) -> list[Flowable]:
    return [TextBlock(text, size=size, align="center"), Spacer(1, 8 * mm)]


def build(
    story: Sequence[Flowable], *, doc_title: str, author: str = "", footer: str = ""
) -> bytes:
    """Lay out ``story`` on A4 pages with the embedded font; ``footer`` on every page."""
    register_font()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=doc_title,
        author=author,
        creator="Yimen",
        pageCompression=1,
        initialFontName=FONT,  # else every page names Helvetica, which is not embedded
    )

    def on_page(canvas, document):
        if footer:
            canvas.saveState()
            canvas.setFont(FONT, 9)
            canvas.drawString(MARGIN_X, 12 * mm, footer)
            canvas.restoreState()

    doc.build(list(story), onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
