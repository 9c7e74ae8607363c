"""The sampling pages: draw, see, record findings; scoped to the county; and nothing a
county user posts — here or to the approver's own form — changes a decision."""

from __future__ import annotations

from decimal import Decimal

from tests.factories import NANGUAN, NANLING, user_with
from tests.supervision.test_county_sampling import approved_cases, snapshot, supervisor  # noqa: F401
from yimen.accounts.roles import Role
from yimen.assistance.models import Decision
from yimen.supervision.models import Finding, SampledCase, SampleDraw, SupervisionFlag


def draw_through_the_page(client, seed="页面种子"):
    return client.post(
        "/county/samples/draw/", {"area": NANGUAN, "from": "2026-01", "to": "2026-06", "seed": seed}
    )


def test_draw_and_record_findings_through_the_pages(client, supervisor, approved_cases):  # noqa: F811
    client.force_login(supervisor)
    assert client.get("/county/samples/").status_code == 200
    response = draw_through_the_page(client)
    draw = SampleDraw.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/county/samples/{draw.pk}/"
    page = client.get(f"/county/samples/{draw.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and "页面种子" in body
    assert page.context["same_population"] and page.context["redraw_matches"]
    first = draw.cases.order_by("stratum", "rank").first()
    head = first.application.members.get(relationship="head")
    assert head.id_number not in body  # masked
    decisions = {d.pk: snapshot(d) for d in Decision.objects.all()}
    client.post(
        f"/county/samples/{draw.pk}/cases/{first.pk}/finding/",
        {"finding": "review_requested", "note": "请复核家庭人口"},
    )
    first.refresh_from_db()
    assert first.finding == Finding.REVIEW_REQUESTED
    assert SupervisionFlag.objects.get().comment == "请复核家庭人口"
    assert {d.pk: snapshot(d) for d in Decision.objects.all()} == decisions


def test_a_bad_draw_is_a_message_and_writes_nothing(client, supervisor, approved_cases):  # noqa: F811
    client.force_login(supervisor)
    for data in (
        {"area": NANGUAN, "from": "2026-13", "to": "2026-06"},
        {"area": "220103000000", "from": "2026-01", "to": "2026-06"},  # not supervised
        {"area": NANGUAN, "from": "2030-01", "to": "2030-02"},  # nothing approved
        {"area": NANGUAN, "from": "2026-01", "to": "2026-06", "seed": "x" * 70},
    ):
        response = client.post("/county/samples/draw/", data, follow=True)
        assert response.status_code == 200
        assert [m.level_tag for m in response.context["messages"]] == ["error"], data
    assert not SampleDraw.objects.exists()


def test_share_through_the_page(client, supervisor, tree):  # noqa: F811
    from django.utils import timezone

    client.force_login(supervisor)
    today = timezone.localdate().isoformat()
    client.post(
        "/county/samples/share/",
        {"area": NANGUAN, "percent": "12.5", "valid_from": today, "source": "区抽查方案"},
    )
    page = client.get("/county/samples/")
    shares = dict((a.code, s.percent) for a, s in page.context["shares"])
    assert shares[NANGUAN] == Decimal("12.5") and shares[NANLING] == Decimal("12.5")
    response = client.post(
        "/county/samples/share/",
        {"area": NANGUAN, "percent": "abc", "valid_from": today, "source": "x"},
        follow=True,
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_sampling_is_for_the_county_only(client, supervisor, approved_cases):  # noqa: F811
    client.force_login(supervisor)
    draw_through_the_page(client)
    draw = SampleDraw.objects.get()
    sampled = draw.cases.first()
    for user in (user_with(Role.TOWNSHIP_APPROVER, NANLING), user_with(Role.CITY_VIEWER, "220100")):
        client.force_login(user)
        assert client.get("/county/samples/").status_code == 403
        assert client.get(f"/county/samples/{draw.pk}/").status_code == 403
        url = f"/county/samples/{draw.pk}/cases/{sampled.pk}/finding/"
        assert client.post(url, {"finding": "no_issue"}).status_code == 403
    client.force_login(user_with(Role.COUNTY_SUPERVISOR, "220103000000"))
    assert client.get(f"/county/samples/{draw.pk}/").status_code == 404
    assert SampledCase.objects.filter(finding="pending").count() == draw.sample_size


def test_the_county_cannot_use_the_approvers_form(client, supervisor, approved_cases):  # noqa: F811
    """Even on a sampled case, the approver's decision form refuses the county."""
    client.force_login(supervisor)
    application = approved_cases[0].application
    decision = Decision.objects.get(application=application)
    before = snapshot(decision)
    response = client.post(
        f"/assistance/applications/{application.pk}/decision/",
        {"decision": "refuse", "reasons": "县级抽查认为不符合条件"},
    )
    assert response.status_code in (302, 403, 404, 409)  # refused, whichever check first
    assert snapshot(decision) == before and Decision.objects.count() == len(approved_cases) + 2
