"""What the import contracts (pyproject.toml, ``[tool.importlinter]``) cannot see.

import-linter knows modules, not names: ``from yimen.assistance.limits import _nearest`` is
an import of a public module. House rule: no imports of another app's private (``_name``)
things; here an AST walk over src/yimen checks it, for ``from … import _x`` and for
``module._x`` on a module imported from another app. And the layers contract splits web/
into its composition modules and its shell library by name, so a new module of web/ must
be placed there before it is used."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "yimen"

#: known imports of another app's private names, each removed by a named part of issue 16;
#: the lead deletes an entry when that part merges (a stale entry fails the test)
#: (none today: verification's thresholds read regions.dated since issue 16 item 2)
KNOWN: set[tuple[str, str]] = set()


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _app(module: str) -> str:
    return ".".join(module.split(".")[:2])


#: Django's public API despite the underscore (``Model._meta`` is documented)
DJANGO_PUBLIC = {"_meta", "_default_manager", "_base_manager", "_state"}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in DJANGO_PUBLIC


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def private_imports() -> set[tuple[str, str]]:
    """(importer, private name) for every reach into another app's private things."""
    found: set[tuple[str, str]] = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        module = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        foreign_modules: dict[str, str] = {}  # local name -> another app's module
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                source = _absolute(module, path.name == "__init__.py", node)
                if not source.startswith("yimen.") or _app(source) == _app(module):
                    continue
                if any(_private(part) for part in source.split(".")):
                    found.add((module, source))
                for alias in node.names:
                    if _private(alias.name):
                        found.add((module, f"{source}.{alias.name}"))
                    else:
                        foreign_modules[alias.asname or alias.name] = f"{source}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    name = alias.name
                    if (
                        name.startswith("yimen.")
                        and _app(name) != _app(module)
                        and any(_private(part) for part in name.split("."))
                    ):
                        found.add((module, name))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in foreign_modules
                and _private(node.attr)
            ):
                found.add((module, f"{foreign_modules[node.value.id]}.{node.attr}"))
    return found


def test_no_app_imports_another_apps_private_names():
    found = private_imports()
    assert found - KNOWN == set(), "another app's private names are imported"
    assert KNOWN - found == set(), "a known violation is gone: delete it from KNOWN"


def test_the_check_sees_a_private_import(tmp_path, monkeypatch):
    """The walk must be able to fail: a planted reach into another app is found."""
    package = tmp_path / "yimen"
    (package / "blue").mkdir(parents=True)
    (package / "blue" / "__init__.py").write_text("")
    (package / "blue" / "use.py").write_text(
        "from yimen.green.rules import _secret\nfrom yimen.green import rules\nrules._other()\n"
        "from .own import _mine\n"
    )
    monkeypatch.setattr(f"{__name__}.SRC", package)
    assert private_imports() == {
        ("yimen.blue.use", "yimen.green.rules._secret"),
        ("yimen.blue.use", "yimen.green.rules._other"),
    }


def test_every_module_of_web_has_a_place_in_the_layers():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    named = {
        part.strip().strip("()")
        for layer in contract["layers"]
        for part in layer.replace("|", ":").split(":")
    }
    web = SRC / "web"
    children = {
        f"yimen.web.{p.stem if p.is_file() else p.name}"
        for p in web.iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()
    }
    unplaced = children - named - {"yimen.web.migrations"}
    assert unplaced == set(), "place these web/ modules in the layers contract"
