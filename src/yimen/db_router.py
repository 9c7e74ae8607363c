"""Reads from a replica for the pages that only read (dashboards, indicators, exports).

``replica_reads`` (a context manager and view decorator) marks the code whose reads may go
to the ``replica`` database when one is configured (YIMEN_DATABASE_REPLICA_URL); the router
sends them there and everything else — every write, and every read outside it — to the
primary. A replica lags the primary by its replication delay, so only pages that show
figures, never a form about to be submitted, are marked."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_reading = ContextVar("yimen_replica_reads", default=False)


@contextlib.contextmanager
def _replica_context() -> Iterator[None]:
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def replica_reads(view: Callable[..., Any] | None = None) -> Any:
    """``with replica_reads():`` or ``@replica_reads`` on a view: its reads may use the replica."""
    if view is None:
        return _replica_context()

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        # who is asking (session, user, roles) from the primary: a session made a moment
        # ago may not have reached the replica yet
        getattr(getattr(args[0] if args else None, "user", None), "pk", None)
        with _replica_context():
            return view(*args, **kwargs)

    return wrapped


def reading_alias() -> str:
    """Where a read goes now: the replica inside ``replica_reads`` when it is on, else default."""
    if _reading.get() and settings.REPLICA_READS and REPLICA in connections.settings:
        return REPLICA
    return DEFAULT_DB_ALIAS


class ReplicaRouter:
    """Reads inside ``replica_reads`` → the replica; writes and migrations → the primary."""

    def db_for_read(self, model, **hints):
        return reading_alias()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two ways in

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
