"""Render a process declaration as a diagram: SVG for pages (the case's current step
highlighted), Mermaid for the user guide. Both come from the same declaration, so the
picture cannot disagree with what the engine does."""

from __future__ import annotations

import re
import unicodedata
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from yimen.accounts.roles import Role

from .process import Process, Step
from .states import TaskStatus

BOX_W, GAP_X, ROW_GAP, PAD = 190, 24, 42, 24
INSET = 8  # the text's margin inside a box
LABEL_SIZE, LABEL_LINE, LABEL_LINES = 13, 16, 2
SMALL_SIZE, SMALL_LINE, SMALL_LINES = 11, 14, 2
FILL: dict[str | None, tuple[str, str, str]] = {
    TaskStatus.OPEN: ("#fff4ce", "#b7791f", "3"),
    TaskStatus.DONE: ("#e6f4ea", "#2f855a", "1.5"),
    TaskStatus.SKIPPED: ("#f1f1f1", "#a0a0a0", "1"),
    TaskStatus.CANCELLED: ("#f1f1f1", "#a0a0a0", "1"),
    None: ("#ffffff", "#4a5568", "1.2"),
}


def _attr(text: str) -> str:
    """Text escaped for a double-quoted XML attribute."""
    return escape(text, {'"': "&quot;"})


def _mermaid(text: object) -> str:
    """Text safe inside a quoted Mermaid label (a double quote would end it)."""
    return str(text).replace('"', "#quot;")


def _roles_text(step: Step) -> str:
    return " / ".join(str(Role(r).label) for r in step.roles)


def text_width(text: str, size: float) -> float:
    """The width of ``text`` in pixels at font ``size``, estimated per character: a Chinese
    (full-width) character is one em, Latin letters about half of one. SVG text does not
    wrap by itself, so the boxes are laid out with this estimate (no font at hand here)."""
    em = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            em += 1.0
        elif ch in "il.,:;|!'` ()[]":
            em += 0.32
        elif ch.isupper() or ch in "mw":
            em += 0.72
        else:
            em += 0.56
    return em * size


WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"  # CJK, full-width forms
TOKENS = re.compile(rf"[{WIDE}]|[^\s{WIDE}]+\s*|\s+")


def _tokens(text: str) -> list[str]:
    """Pieces a line may break between: Latin words (with their trailing space), and
    each full-width character on its own."""
    return TOKENS.findall(text)


def wrap(text: str, size: float, width: float, max_lines: int) -> list[str]:
    """``text`` in lines no wider than ``width``; past ``max_lines`` the last line ends
    with an ellipsis (the box's tooltip keeps the whole text)."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text.strip()):
        if text_width((line + token).rstrip(), size) <= width:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
            line = ""
        token = token.lstrip()
        while text_width(token.rstrip(), size) > width:  # a word longer than the line
            cut = len(token)
            while cut > 1 and text_width(token[:cut], size) > width:
                cut -= 1
            lines.append(token[:cut])
            token = token[cut:]
        line = token
    if line.strip():
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_width(last + "…", size) > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return lines or [""]


def _text(x: float, y: float, lines: list[str], line_h: int, extra: str) -> str:
    spans = "".join(
        f'<tspan x="{x:.0f}" dy="{0 if i == 0 else line_h}">{escape(t)}</tspan>'
        for i, t in enumerate(lines)
    )
    return f'<text x="{x:.0f}" y="{y}" text-anchor="middle"{extra}>{spans}</text>'


def process_svg(process: Process, statuses: dict[str, str] | None = None) -> str:
    """An SVG of the stages top to bottom, parallel steps side by side.

    ``statuses`` maps step codes to task statuses, for a case's own picture. Labels wrap
    to fit their boxes (two lines at most, then an ellipsis and the full text as the
    box's tooltip); every box is as tall as the tallest needs."""
    statuses = statuses or {}
    inner = BOX_W - 2 * INSET
    texts = {
        step.code: (
            wrap(str(step.label), LABEL_SIZE, inner, LABEL_LINES),
            wrap(_small(step), SMALL_SIZE, inner, SMALL_LINES),
        )
        for step in process.all_steps()
    }
    label_lines = max(len(t[0]) for t in texts.values())
    small_lines = max(len(t[1]) for t in texts.values())
    box_h = 2 * 10 + label_lines * LABEL_LINE + small_lines * SMALL_LINE + 2
    row_h = box_h + ROW_GAP
    widest = max(len(stage.steps) for stage in process.stages)
    width = PAD * 2 + widest * BOX_W + (widest - 1) * GAP_X
    height = PAD * 2 + len(process.stages) * row_h - ROW_GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_attr(str(process.label))}" '
        'font-family="Noto Sans CJK SC, Noto Sans SC, sans-serif" font-size="13">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#4a5568"/></marker>'
        "</defs>",
    ]
    centres: list[list[float]] = []
    for row, stage in enumerate(process.stages):
        count = len(stage.steps)
        row_w = count * BOX_W + (count - 1) * GAP_X
        x0 = (width - row_w) / 2
        y = PAD + row * row_h
        xs = []
        for i, step in enumerate(stage.steps):
            x = x0 + i * (BOX_W + GAP_X)
            xs.append(x + BOX_W / 2)
            status = statuses.get(step.code)
            fill, stroke, sw = FILL.get(status, FILL[None])
            dash = ' stroke-dasharray="5,4"' if step.condition else ""
            current = ' data-current="true"' if status == TaskStatus.OPEN else ""
            if status:
                current += f' data-status="{_attr(str(status))}"'
            label, small = texts[step.code]
            label_top = y + 10 + LABEL_SIZE + (label_lines - len(label)) * LABEL_LINE / 2
            small_top = y + 10 + label_lines * LABEL_LINE + SMALL_SIZE + 2
            parts.append(
                f'<g data-step="{_attr(step.code)}"{current}>'
                f"<title>{escape(str(step.label))} · {escape(_small(step))}</title>"
                f'<rect x="{x:.0f}" y="{y}" width="{BOX_W}" height="{box_h}" rx="8" '
                f'fill="{fill}" stroke="{stroke}" stroke-width="{sw}"{dash}/>'
                + _text(x + BOX_W / 2, round(label_top), label, LABEL_LINE, ' font-weight="bold"')
                + _text(
                    x + BOX_W / 2,
                    small_top,
                    small,
                    SMALL_LINE,
                    f' font-size="{SMALL_SIZE}" fill="#4a5568"',
                )
                + "</g>"
            )
        centres.append(xs)
        if row:
            for upper in centres[row - 1]:
                for lower in xs:
                    parts.append(
                        f'<line x1="{upper:.0f}" y1="{y - row_h + box_h}" x2="{lower:.0f}" '
                        f'y2="{y - 2}" stroke="#4a5568" marker-end="url(#arrow)"/>'
                    )
    parts.append("</svg>")
    return "".join(parts)


def _small(step: Step) -> str:
    text = _roles_text(step)
    if step.condition:
        text = _("only if %(condition)s") % {"condition": step.condition.label}
    elif step.deadline:
        text = f"{text} · {step.deadline.label()}"
    return text


def process_mermaid(process: Process) -> str:
    """A Mermaid flowchart of the process for Markdown docs."""
    lines = ["flowchart TD", f'  start(["{_("Application")}"])']
    previous = ["start"]
    for stage in process.stages:
        current = []
        for step in stage.steps:
            label = f"{_mermaid(step.label)}<br/><small>{_mermaid(_roles_text(step))}"
            if step.deadline:
                label += f" · {step.deadline.label()}"
            label += "</small>"
            shape = f'{step.code}{{{{"{label}"}}}}' if step.condition else f'{step.code}["{label}"]'
            lines.append(f"  {shape}")
            current.append(step.code)
        for step in stage.steps:
            edge = f' -- "{_mermaid(step.condition.label)}" --> ' if step.condition else " --> "
            lines.append(f"  {' & '.join(previous)}{edge}{step.code}")
        if all(s.condition for s in stage.steps):
            current = previous + current  # the stage may be passed over
        previous = current
    lines.append(f'  finish(["{_("Closed")}"])')
    lines.append(f"  {' & '.join(previous)} --> finish")
    return "\n".join(lines)
