"""What a check or an import knows besides the sheet (shared by the kinds and the
moving-in helpers they call)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass
class Context:
    """What a check or an import knows besides the sheet."""

    batch_id: int  # 0 during a dry run that stores nothing
    division_code: str
    actor: Any
    role: str
    today: date
    scheme_id: int | None = None
