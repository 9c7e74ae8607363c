"""What a service knows about the people behind its cases, for the generic case list.

The case list (case_search.py) lists the cases of every service, but only a service knows
whose case it is: the assistance household's head and ID number, its assistance type. Each
service that has such facts registers one ``CaseFacts`` in its AppConfig.ready(), like its
processes (registry.py): a read-side lookup the list asks, never a listener that acts. The
workflow so names no service, and a new service adds its search in one call."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.functional import Promise

#: (case id, head's name, head's ID number unmasked, kind code)
HeadRow = tuple[int, str, str, str]


@dataclass(frozen=True)
class CaseFacts:
    """One service's answers. ``kinds`` are the values of the list's "type" filter (codes
    and labels); ``matching(text, kind)`` is a subquery of case ids whose people match the
    typed ``text`` (an ID number, a name, pinyin initials) and, when given, the ``kind``;
    ``heads(case_ids)`` are the rows naming the person behind each of those cases."""

    code: str
    kinds: Callable[[], list[tuple[str, str | Promise]]]
    matching: Callable[[str, str], QuerySet]
    heads: Callable[[list[int]], Iterable[HeadRow]]


_SOURCES: dict[str, CaseFacts] = {}


def register_case_facts(facts: CaseFacts) -> CaseFacts:
    """Make ``facts`` known (once per code; the same object again is harmless)."""
    existing = _SOURCES.get(facts.code)
    if existing is not None and existing is not facts:
        raise ValueError(f"case facts {facts.code} registered twice")
    _SOURCES[facts.code] = facts
    return facts


def case_facts() -> list[CaseFacts]:
    return [_SOURCES[code] for code in sorted(_SOURCES)]


def kind_choices() -> list[tuple[str, str | Promise]]:
    """Every service's case kinds, for the list's filter."""
    return [kind for facts in case_facts() for kind in facts.kinds()]


def kind_label(code: str) -> str:
    return str(dict(kind_choices()).get(code, "")) if code else ""
