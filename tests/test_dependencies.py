"""The dependency set is bounded and locked: every requirement in pyproject.toml has an upper
bound on its major, and the lock files pin, with hashes, a version inside those bounds for
each of them (a pyproject.toml changed without `make lock` fails here, not on a fresh
machine next year)."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = [Requirement(r) for r in PROJECT["dependencies"]]
DEV = [Requirement(r) for r in PROJECT["optional-dependencies"]["dev"]]

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", re.MULTILINE)


def locked(name: str) -> dict[str, Version]:
    """Package → version of a lock file; every pin must carry at least one hash."""
    text = (ROOT / "requirements" / name).read_text()
    pins = {canonicalize_name(m[1]): Version(m[2]) for m in PIN.finditer(text)}
    # one entry per pin: the `name==version \` line, then its `--hash=sha256:` lines
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        if PIN.match(block):
            assert "--hash=sha256:" in block, f"{name}: no hash for {block.splitlines()[0]}"
    return pins


@pytest.mark.parametrize("req", RUNTIME + DEV, ids=lambda r: r.name)
def test_every_requirement_has_an_upper_bound(req):
    assert any(s.operator in ("<", "<=", "==", "~=") for s in req.specifier), (
        f"{req} has no upper bound"
    )


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [("runtime.txt", RUNTIME), ("dev.txt", RUNTIME + DEV)],
)
def test_the_lock_pins_every_requirement_within_its_bounds(lock, requirements):
    pins = locked(lock)
    for req in requirements:
        version = pins.get(canonicalize_name(req.name))
        assert version is not None, f"{req.name} is not in requirements/{lock}: run make lock"
        assert req.specifier.contains(version, prereleases=True), (
            f"requirements/{lock} pins {req.name}=={version}, outside {req.specifier}"
        )


def test_runtime_and_dev_locks_agree():
    runtime, dev = locked("runtime.txt"), locked("dev.txt")
    assert {n: v for n, v in dev.items() if n in runtime} == runtime
