"""One adapter per kind of sheet, behind the same dry run and import (``services``).

An adapter names the sheet's fields, the action that allows moving its records in, and
set-based steps: ``check`` (the sheet's columns → every problem by row, and the records
that may be written), ``write`` (those records, in the caller's transaction) and, for a
kind whose dry run keeps its writable records (``kept_layout`` above 0), ``recheck``
(those kept records → the ones still writable, asking again only what the database may
have changed since). ``adapters()`` maps each ``Kind`` to its adapter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import polars as pl

from yimen.accounts.roles import Action

from ..columns import Field
from ..context import Context
from ..kept import Kept
from ..problems import no_problems
from ..sheet import Sheet


@dataclass
class Checked:
    """The outcome of a check: every problem, and the records without a blocking one."""

    problems: pl.DataFrame = field(default_factory=no_problems)
    rows: int = 0  # data rows of the sheet
    records: int = 0  # records in the sheet (households, units, certificates)
    valid: pl.DataFrame | None = None  # the rows of the records to write, with ``key``
    valid_records: int = 0
    already_moved: int = 0
    headers: dict[str, str] = field(default_factory=dict)  # field → header as written


class Adapter(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def fields(self) -> Sequence[Field]: ...

    @property
    def action(self) -> Action: ...

    @property
    def kept_layout(self) -> int: ...

    def check(self, sheet: Sheet, ctx: Context) -> Checked: ...

    def recheck(self, kept: Kept, ctx: Context) -> Checked | None: ...

    def write(self, checked: Checked, ctx: Context) -> int: ...


class ChecksAgainInFull:
    """A kind whose import checks its sheet again in full (small sheets: units, holders)."""

    kept_layout = 0

    def recheck(self, kept: Kept, ctx: Context) -> Checked | None:
        return None


def adapters() -> dict[str, Adapter]:
    from .certificates import CertificatesAdapter
    from .roster import RosterAdapter
    from .subsidy import SubsidyAdapter

    return {a.kind: a for a in (RosterAdapter(), SubsidyAdapter(), CertificatesAdapter())}
