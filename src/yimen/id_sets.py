"""``field__any_of=[ids]``: a large set of integers as one query parameter.

``pk__in=[...]`` binds one parameter per id: SQLite caps them (Django assumes 999), so batch
code split its id lists into chunks of ~950 and paid a query each, and Django prepares every
element of the list in Python. ``any_of`` binds the whole set once — an array on
PostgreSQL (``= ANY(%s)``), a JSON text read by ``json_each`` on SQLite — so a batch of
100,000 cases is one statement and the list is handed over as it is."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models
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
        sql, params = any_of_sql(lhs, values, connection.vendor)
        return sql, [*lhs_params, *params]


def chunks(ids: list, size: int | None = None) -> Iterable[list]:
    """Split id lists so every IN (...) stays under the database's parameter limit: for
    keys ``any_of`` cannot take (text codes such as division codes) or very large sets."""
    # SQLite caps bound parameters (999 in Django's view); PostgreSQL does not.
    limit = size or min(connection.features.max_query_params or 10_000, 10_000) - 50
    for start in range(0, len(ids), limit):
        yield ids[start : start + limit]


def any_of_sql(column: str, ids, vendor: str) -> tuple[str, list]:
    """The same condition for raw SQL: (``column`` matches one of ``ids``, params)."""
    return f"{column} {_ANY[vendor == 'postgresql']}", [id_text(ids, vendor)]


_ANY = {
    True: "= ANY(CAST(%s AS bigint[]))",
    False: "IN (SELECT value FROM json_each(%s))",
}


def id_text(ids, vendor: str) -> str:
    """Integers as one text parameter: an array literal for PostgreSQL ({1,2}), a JSON array
    for SQLite ([1,2]); built by one join (int() refuses anything but integers)."""
    body = ",".join(str(int(i)) for i in ids)
    return "{" + body + "}" if vendor == "postgresql" else "[" + body + "]"


models.ForeignObject.register_lookup(AnyOf)  # case_id__any_of: the column, not the row
