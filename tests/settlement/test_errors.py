"""One errors.py per app (issue 16): every error class of settlement and medins is defined
there, with a stable code and both languages."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import yimen.medins as medins
import yimen.settlement as settlement
from yimen.errors import YimenError
from yimen.medins import errors as medins_errors
from yimen.settlement import errors as settlement_errors

ERROR_CLASS = re.compile(r"^class \w+\((\w+\.)?(\w*Error|\w*Exception|Conflict|Invalid|NotFound|"
                         r"Forbidden|Refuse)\)", re.M)  # fmt: skip
INLINE_CODE = re.compile(r"""code=["'](settlement|medins)\.""")
#: control flow private to the fast path (never reaches anyone), not an error
ALLOWED = {("settle_fast.py", "GiveUp")}


@pytest.mark.parametrize("app", [settlement, medins], ids=["settlement", "medins"])
def test_error_classes_and_codes_live_in_errors_py(app):
    found = []
    for path in Path(app.__file__).parent.rglob("*.py"):
        if path.name == "errors.py" or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"^class (\w+)\(", text, re.M):
            line = text[match.start() : text.index("\n", match.start())]
            if ERROR_CLASS.match(line) and (path.name, match.group(1)) not in ALLOWED:
                found.append(f"{path.name}: {line}")
        found += [f"{path.name}: inline {m.group(0)}" for m in INLINE_CODE.finditer(text)]
    assert found == []


@pytest.mark.parametrize("module", [settlement_errors, medins_errors], ids=["settlement", "medins"])
def test_codes_are_unique_and_namespaced(module):
    prefix = module.__name__.split(".")[1] + "."
    codes = [
        cls.code
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, YimenError) and cls.__module__ == module.__name__
    ]
    assert codes and all(code.startswith(prefix) for code in codes)
    assert len(codes) == len(set(codes))


def test_moved_codes_are_unchanged():
    """Published codes (they were inline before issue 16) keep their values."""
    e = settlement_errors
    assert {
        e.NoOpenLines.code, e.AlreadyCancelled.code, e.RestoreConflict.code, e.NoPolicy.code,
        e.FilingInactive.code, e.PolicyDuplicate.code, medins_errors.NodeHeld.code,
        medins_errors.WrongState.code,
    } == {
        "settlement.no_lines", "settlement.cancelled", "settlement.restore_conflict",
        "settlement.no_policy", "settlement.filing_inactive", "settlement.policy_dup",
        "medins.node_held", "medins.wrong_state",
    }  # fmt: skip
