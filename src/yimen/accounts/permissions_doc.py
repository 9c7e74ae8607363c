"""The permission table as Markdown, generated from PERMISSIONS so it cannot drift."""

from __future__ import annotations

from django.utils import translation

from .roles import PERMISSIONS, Action, Role

HEADER = """# 权限表 Permissions

Generated from `src/yimen/accounts/roles.py` by `yimen permissions_doc`; do not edit by hand
(a test fails when this file and the code differ). A role acts only inside the subtree of
the division its binding names. ✔ = allowed.
"""


def permissions_markdown() -> str:
    def label(choice, lang):
        with translation.override(lang):
            return str(choice.label)

    lines = [
        HEADER,
        "| 动作 Action | "
        + " | ".join(f"{label(r, 'zh-hans')}<br>{label(r, 'en')}" for r in Role)
        + " |",
        "|---|" + "---|" * len(Role),
    ]
    for action in Action:
        cells = ["✔" if action in PERMISSIONS[r] else "" for r in Role]
        lines.append(
            f"| `{action.value}` {label(action, 'zh-hans')} / {label(action, 'en')} | "
            + " | ".join(cells)
            + " |"
        )
    return "\n".join(lines) + "\n"
