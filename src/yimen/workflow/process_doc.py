"""The user guide's process chapter, generated from the declarations (with Mermaid)."""

from __future__ import annotations

from django.utils import translation

from .diagram import process_mermaid
from .registry import all_processes


def processes_markdown() -> str:
    out = [
        "# 业务流程 Processes\n",
        "Generated from the process declarations by `yimen process_docs`; do not edit by "
        "hand. Dashed (hexagon) steps are conditional; steps side by side run in parallel "
        "and must all finish before the next stage. Deadlines count working days from the "
        "statutory calendar unless marked as days.\n",
    ]
    for process in all_processes():
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                out.append(f"## {process.label} (`{process.code}`)\n")
                out.append("```mermaid\n" + process_mermaid(process) + "\n```\n")
    return "\n".join(out)
