"""The id helpers every app uses for batch queries."""

from __future__ import annotations

from django.db import connection

from yimen.id_sets import chunks


def test_chunks_stay_under_the_parameter_limit():
    ids = list(range(2000))
    parts = list(chunks(ids, size=900))
    assert [len(p) for p in parts] == [900, 900, 200]
    assert [i for p in parts for i in p] == ids
    assert list(chunks([])) == []
    # each chunk leaves room under the database's limit for the statement's other parameters
    limit = connection.features.max_query_params
    if limit:
        assert all(len(p) <= limit - 50 for p in chunks(list(range(5000))))
