"""``field__any_of=[ids]``: a large set of integers as one query parameter.

``pk__in=[...]`` binds one parameter per id: SQLite caps them (Django assumes 999), so batch
code split its id lists into chunks of ~950 and paid a query each, and Django prepares every
element of the list in Python. ``any_of`` binds the whole set once — an array on
PostgreSQL (``= ANY(%s)``), a JSON text read by ``json_each`` on SQLite — so a batch of
100,000 cases is one statement and the list is handed over as it is."""

from __future__ import annotations

import json

from django.db import models
from django.db.models import Lookup


class IdSet:
    """Ids handed to ``any_of`` as one value: Django walks a list or tuple element by
    element when it builds a filter (a few µs each), an IdSet it leaves alone."""

    __slots__ = ("ids",)

    def __init__(self, ids):
        self.ids = ids


@models.Field.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self.rhs.ids if isinstance(self.rhs, IdSet) else self.rhs
        ids = [int(i) for i in values]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, ids]
        sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608 (a column name)
        return sql, [*lhs_params, json.dumps(ids)]


def any_of_sql(column: str, ids, vendor: str) -> tuple[str, list]:
    """The same condition for raw SQL: (``column`` matches one of ``ids``, params)."""
    ids = [int(i) for i in ids]
    if vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", [ids]
    sql = f"{column} IN (SELECT value FROM json_each(%s))"  # noqa: S608 (a column name)
    return sql, [json.dumps(ids)]


models.ForeignObject.register_lookup(AnyOf)  # case_id__any_of: the column, not the row
