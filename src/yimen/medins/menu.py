"""When medins' menu items show (web/menu.py names these by their dotted path, so the
shell imports no service)."""

from __future__ import annotations


def node_configured(user) -> bool:
    """A citizen's transfers exist only on a deployment that is a transfer node."""
    from .node import node_config

    return node_config() is not None
