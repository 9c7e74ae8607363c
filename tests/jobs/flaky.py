"""A job function for the retry tests: fails its first ``failures`` calls (counted in a file,
so separate processes share the count), then answers."""

from __future__ import annotations

from pathlib import Path


def fail_then_answer(*, counter: str, failures: int) -> dict:
    path = Path(counter)
    calls = int(path.read_text()) + 1 if path.exists() else 1
    path.write_text(str(calls))
    if calls <= failures:
        raise ConnectionError(f"call {calls}: the partner system is down")
    return {"calls": calls}
