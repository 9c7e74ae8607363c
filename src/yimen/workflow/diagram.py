"""Render a process declaration as a diagram: SVG for pages (the case's current step
highlighted), Mermaid for the user guide. Both come from the same declaration, so the
picture cannot disagree with what the engine does."""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from yimen.accounts.roles import Role

from .process import Process, Step
from .states import TaskStatus

BOX_W, BOX_H, GAP_X, ROW_H, PAD = 190, 54, 24, 96, 24
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


def process_svg(process: Process, statuses: dict[str, str] | None = None) -> str:
    """An SVG of the stages top to bottom, parallel steps side by side.

    ``statuses`` maps step codes to task statuses, for a case's own picture."""
    statuses = statuses or {}
    widest = max(len(stage.steps) for stage in process.stages)
    width = PAD * 2 + widest * BOX_W + (widest - 1) * GAP_X
    height = PAD * 2 + len(process.stages) * ROW_H - (ROW_H - BOX_H)
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
        y = PAD + row * ROW_H
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
            parts.append(
                f'<g data-step="{_attr(step.code)}"{current}><rect x="{x:.0f}" y="{y}" '
                f'width="{BOX_W}" height="{BOX_H}" rx="8" fill="{fill}" stroke="{stroke}" '
                f'stroke-width="{sw}"{dash}/>'
                f'<text x="{x + BOX_W / 2:.0f}" y="{y + 22}" text-anchor="middle" '
                f'font-weight="bold">{escape(str(step.label))}</text>'
                f'<text x="{x + BOX_W / 2:.0f}" y="{y + 41}" text-anchor="middle" '
                f'font-size="11" fill="#4a5568">{escape(_small(step))}</text></g>'
            )
        centres.append(xs)
        if row:
            for upper in centres[row - 1]:
                for lower in xs:
                    parts.append(
                        f'<line x1="{upper:.0f}" y1="{y - ROW_H + BOX_H}" x2="{lower:.0f}" '
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
    return text[:32]


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
