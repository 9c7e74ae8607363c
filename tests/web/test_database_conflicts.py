"""A unique-constraint violation or a deadlock that reaches a view is a lost race, not a
crash: the API answers 409 with problem details, a page 409 in Chinese and English."""

from __future__ import annotations

import pytest
from django.db import OperationalError

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.web.urls_conflicts")]


@pytest.mark.parametrize(
    ("kind", "code"),
    [("integrity", "conflict.concurrent_write"), ("deadlock", "conflict.database_contention")],
)
def test_the_api_answers_a_lost_race_with_a_409_problem(client, kind, code):
    response = client.post(f"/api/conflict-test/{kind}/")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == code and problem["status"] == 409
    assert "未保存任何内容" in problem["detail_zh"] and "nothing was saved" in problem["detail_en"]


@pytest.mark.parametrize(
    ("kind", "zh"),
    [("integrity", "他人在同一时刻保存了同一条记录"), ("deadlock", "数据库已将其中止")],
)
def test_a_page_answers_a_lost_race_with_a_bilingual_409(client, kind, zh):
    response = client.post(f"/conflict-test/{kind}/")
    assert response.status_code == 409
    body = response.content.decode()
    assert zh in body and "nothing was saved" in body
    assert "duplicate key" not in body and "deadlock detected" not in body  # no internals


def test_other_database_errors_are_not_passed_off_as_conflicts(client):
    with pytest.raises(OperationalError):
        client.post("/conflict-test/gone/")
