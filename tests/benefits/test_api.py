"""The roster API over HTTP with token authentication, problems in zh and en."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from tests.api.helpers import api_client, post_json, problem
from tests.benefits.conftest import quick_household
from tests.factories import NANLING
from yimen.benefits.models import PaymentRoll, Review
from yimen.workflow import services as workflow
from yimen.workflow.models import Task

# changes are reported on fixed days, which must lie in the past: the clock is pinned
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def test_list_search_and_detail_are_scoped(staff):
    home = quick_household(staff.caseworker, name="张三丰", amount=Decimal("456.70"))
    quick_household(staff.caseworker, name="李四")
    mine = api_client(staff.caseworker)
    body = mine.get("/api/benefits/households/?q=zsf").json()
    assert [h["head_name"] for h in body["results"]] == ["张三丰"]
    detail = mine.get(f"/api/benefits/households/{home.pk}/").json()
    assert detail["entitlements"][0]["monthly_amount"] == "456.70"
    other = api_client(staff.other_caseworker)
    assert other.get("/api/benefits/households/").json()["count"] == 0
    problem(other.get(f"/api/benefits/households/{home.pk}/"), 404)
    problem(mine.get("/api/benefits/households/abc/"), 404)


def test_change_then_decision_through_the_api(staff):
    home = quick_household(staff.caseworker)
    village = api_client(staff.village)
    url = f"/api/benefits/households/{home.pk}/changes/"
    problem(
        post_json(village, url, {"kind": "lottery", "report": "x", "occurred_on": "2026-01-01"}),
        400,
    )
    problem(
        post_json(village, url, {"kind": "income", "report": "x", "occurred_on": "2999-01-01"}), 400
    )
    assert Review.objects.count() == 0
    made = post_json(
        village, url, {"kind": "death", "report": "户主母亲去世", "occurred_on": "2026-11-20"}
    )
    assert made.status_code == 201, made.content
    review = Review.objects.get()
    assert made.json()["due_on"] == "2027-02-20"
    task = Task.objects.get(case=review.case, step="recheck")
    workflow.task_complete(task_id=task.pk, actor=staff.caseworker, reason="入户核实")
    decision_url = f"/api/benefits/reviews/{review.pk}/decision/"
    problem(
        post_json(api_client(staff.caseworker), decision_url, {"outcome": "stop", "reasons": "x"}),
        403,
    )
    done = post_json(
        api_client(staff.approver),
        decision_url,
        {"outcome": "adjust", "new_amount": "333.00", "reasons": "人口减少"},
    )
    assert done.status_code == 200 and done.json()["outcome"] == "adjust"
    problem(
        post_json(api_client(staff.approver), decision_url, {"outcome": "stop", "reasons": "x"}),
        409,
    )


def test_issue_a_roll_through_the_api(staff):
    quick_household(staff.caseworker)
    month = f"{timezone.localdate():%Y-%m}"
    problem(
        post_json(
            api_client(staff.caseworker),
            "/api/benefits/rolls/",
            {"township": NANLING, "month": month},
        ),
        403,
    )
    made = post_json(
        api_client(staff.approver), "/api/benefits/rolls/", {"township": NANLING, "month": month}
    )
    assert made.status_code == 201 and made.json()["households"] == 1
    problem(
        post_json(
            api_client(staff.approver),
            "/api/benefits/rolls/",
            {"township": NANLING, "month": month},
        ),
        409,
    )
    problem(
        post_json(
            api_client(staff.approver),
            "/api/benefits/rolls/",
            {"township": NANLING, "month": "2026-1x"},
        ),
        400,
    )
    assert PaymentRoll.objects.count() == 1
    listed = api_client(staff.supervisor).get("/api/benefits/rolls/").json()
    assert listed["count"] == 1
