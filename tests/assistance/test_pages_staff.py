"""The staff pages of social assistance through HTTP: the entry form (every error next to
its field, the input kept, nothing written) and the township's drafts. The case page and
its steps are in test_pages_staff_steps.py, which shares the helpers here."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from tests.assistance.conftest import household_input
from tests.web.world import _fast_password_hashing  # noqa: F401  (autouse fixture)
from yimen.assistance.models import (
    Application,
    ApplicationStatus,
    Member,
)
from yimen.audit.models import AuditEvent
from yimen.people import parse_id_number
from yimen.workflow.states import CaseStatus

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.assistance.urls_for_tests")]

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def url(name, application=None, *more):
    args = [application.pk, *more] if application is not None else []
    # the disclosure's form is benefits' (it enrols the household on the roster)
    namespace = "benefits" if name == "disclosure" else "assistance"
    return reverse(f"{namespace}:{name}", args=args)


def form_data(data, *, member_rows=4, asset_rows=2, blank_at=()) -> dict:
    """What a browser posts for ``data`` (an ApplicationInput), blank rows included;
    ``blank_at`` puts blank member rows at those positions."""
    post = {
        k: getattr(data, k)
        for k in (
            "division_code",
            "address",
            "hukou_type",
            "assistance_type",
            "channel",
            "entrusted_name",
            "entrusted_id_number",
            "entrusted_relation",
            "discovery_note",
            "relative_note",
            "phone",
            "reason",
            "payment_bank",
            "payment_account_kind",
            "payment_account",
        )
    }
    if data.relative_of_staff:
        post["relative_of_staff"] = "on"
    rows = list(data.members)
    for position in sorted(blank_at):
        rows.insert(position, None)
    rows += [None] * max(0, member_rows - len(rows))
    post.update({"members-TOTAL_FORMS": len(rows), "members-INITIAL_FORMS": 0})
    for i, m in enumerate(rows):
        p = f"members-{i}-"
        post.update(
            {
                p + "name": "",
                p + "id_number": "",
                p + "relationship": "",
                p + "disability_kind": "",
                p + "disability_grade": "",
                p + "work_ability": "full",
                p + "promise_signed_on": "",
                p + "authorisation_signed_on": "",
            }
        )
        if m is None:
            continue
        post.update(
            {
                p + "name": m.name,
                p + "id_number": m.id_number,
                p + "relationship": m.relationship,
                p + "disability_kind": m.disability_kind,
                p + "disability_grade": m.disability_grade or "",
                p + "work_ability": m.work_ability,
                p + "promise_signed_on": m.promise_signed_on or "",
                p + "authorisation_signed_on": m.authorisation_signed_on or "",
            }
        )
        for flag in ("serious_illness", "student", "living_apart"):
            if getattr(m, flag):
                post[p + flag] = "on"
        for income in m.incomes:
            post[f"{p}income_{income.category}"] = str(income.monthly_amount)
    assets = list(data.assets) + [None] * max(0, asset_rows - len(data.assets))
    post.update({"assets-TOTAL_FORMS": len(assets), "assets-INITIAL_FORMS": 0})
    for k, a in enumerate(assets):
        p = f"assets-{k}-"
        post.update(
            {
                p + "kind": a.kind if a else "",
                p + "value": a.value if a else "",
                p + "quantity": a.quantity if a else 1,
                p + "vehicle_kind": a.vehicle_kind if a else "",
                p + "note": a.note if a else "",
            }
        )
    return post


def as_user(client, user):
    client.force_login(user)
    return client


def errors_of(html: str, field_id: str) -> str:
    match = re.search(
        rf'<ul class="errorlist" id="{re.escape(field_id)}_errors">(.*?)</ul>', html, re.S
    )
    assert match, f"no errors shown next to {field_id}"
    return match.group(1)


def section(html: str, element_id: str) -> str | None:
    match = re.search(rf'<section[^>]* id="{element_id}">(.*?)</section>', html, re.S)
    return match.group(1) if match else None


def enter(client, staff, **overrides):
    response = as_user(client, staff.caseworker).post(
        url("application_new"), form_data(household_input(**overrides))
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return Application.objects.latest("pk")


def attach(client, user, application, kinds=("id_card", "hukou", "disability")):
    for kind in kinds:
        response = as_user(client, user).post(
            url("attachment_upload", application),
            {"kind": kind, "file": SimpleUploadedFile(f"{kind}.png", PNG, "image/png")},
        )
        assert response.status_code == 302


# --- entry -------------------------------------------------------------------------------


def test_entry_page_offers_only_the_villages_and_channels_of_the_user(client, staff):
    html = as_user(client, staff.caseworker).get(url("application_new")).content.decode()
    assert 'value="220102001001"' in html and 'value="220102001002"' in html  # 南岭's
    assert 'value="220102002001"' not in html  # 北安社区 belongs to 自强街道
    assert 'value="counter"' in html and 'value="discovery"' not in html
    html = as_user(client, staff.village).get(url("application_new")).content.decode()
    assert 'value="discovery"' in html and 'value="counter"' not in html
    assert 'value="220102001002"' not in html  # the village staff's own community only
    assert as_user(client, staff.supervisor).get(url("application_new")).status_code == 403


def test_entry_happy_path_opens_the_case_and_shows_the_household(client, staff):
    application = enter(client, staff)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.case.status == CaseStatus.ACTIVE
    assert application.members.count() == 3 and application.assets.count() == 2
    head = application.members.get(relationship="head")
    assert (head.birth_date, head.sex) == (date(1970, 3, 12), "M")
    assert application.members.get(name="李秀兰").incomes.count() == 0
    response = client.get(url("application", application))
    html = response.content.decode()
    assert response.status_code == 200
    members = section(html, "household")
    assert "1970-03-12" in members and "2012-09-01" in members
    with translation.override("zh-hans"):
        assert escape(translation.gettext("Exempt: recorded, not counted")) in members
    assert application.case.number in html


def test_invalid_id_number_is_shown_next_to_its_field_and_nothing_is_written(client, staff):
    data = household_input()
    data.members[1].id_number = data.members[1].id_number[:-1] + (
        "0" if data.members[1].id_number[-1] != "0" else "1"
    )
    events = AuditEvent.objects.count()
    # a blank row before the spouse: the error must land on the spouse's row (index 2)
    response = as_user(client, staff.caseworker).post(
        url("application_new"), form_data(data, blank_at=[1])
    )
    assert response.status_code == 400
    html = response.content.decode()
    expected = parse_error(data.members[1].id_number)
    assert escape(expected) in errors_of(html, "id_members-2-id_number")
    assert 'id="id_members-1-id_number_errors"' not in html
    assert f'value="{data.members[1].id_number}"' in html  # the input is kept
    assert 'value="李秀兰"' in html
    assert Application.objects.count() == 0 and Member.objects.count() == 0
    assert AuditEvent.objects.count() == events


def parse_error(number) -> str:
    from yimen.errors import Invalid

    try:
        parse_id_number(number)
    except Invalid as exc:
        return exc.render()
    raise AssertionError("the number is valid")


def test_every_service_error_is_shown_at_once_next_to_its_field(client, staff):
    data = household_input(channel="entrusted", address="")
    data.members[0].incomes[0].monthly_amount = Decimal("12.345")
    response = as_user(client, staff.caseworker).post(url("application_new"), form_data(data))
    assert response.status_code == 400
    html = response.content.decode()
    errors_of(html, "id_address")
    errors_of(html, "id_entrusted_name")
    errors_of(html, "id_entrusted_id_number")
    errors_of(html, "id_members-0-income_wages")
    assert Application.objects.count() == 0


def test_unreadable_entries_are_refused_before_the_service(client, staff):
    post = form_data(household_input())
    post["members-0-promise_signed_on"] = "2026-13-45"
    post["assets-0-value"] = "lots"
    response = as_user(client, staff.caseworker).post(url("application_new"), post)
    assert response.status_code == 400
    html = response.content.decode()
    errors_of(html, "id_members-0-promise_signed_on")
    errors_of(html, "id_assets-0-value")
    post = form_data(household_input())
    post["members-TOTAL_FORMS"] = "abc"  # a tampered management form
    assert as_user(client, staff.caseworker).post(url("application_new"), post).status_code == 400
    assert Application.objects.count() == 0


def test_a_person_in_an_open_case_is_refused_on_the_page(client, staff):
    enter(client, staff)
    response = client.post(url("application_new"), form_data(household_input()))
    assert response.status_code == 409
    assert Application.objects.count() == 1


def test_add_member_row_for_htmx(client, staff):
    as_user(client, staff.caseworker)
    html = client.get(url("member_row"), {"index": 4}).content.decode()
    assert 'name="members-4-name"' in html and 'name="members-4-income_wages"' in html
    assert re.search(r'name="members-TOTAL_FORMS" value="5"[^>]*hx-swap-oob', html)
    assert "index=5" in html
    assert client.get(url("member_row"), {"index": 10}).status_code == 204
    assert client.get(url("member_row"), {"index": "x"}).status_code == 204


# --- drafts ------------------------------------------------------------------------------


def discovery_post():
    return form_data(
        household_input(channel="discovery", discovery_note="网格走访发现独居老人生活困难")
    )


def test_discovery_report_is_a_draft_the_township_submits(client, staff):
    response = as_user(client, staff.village).post(url("application_new"), discovery_post())
    assert response.status_code == 302
    draft = Application.objects.get()
    assert draft.status == ApplicationStatus.DRAFT and draft.case is None
    html = client.get(url("drafts")).content.decode()
    assert f'id="draft-{draft.pk}"' in html and f'id="submit-{draft.pk}"' not in html
    html = as_user(client, staff.caseworker).get(url("drafts")).content.decode()
    assert f'id="submit-{draft.pk}"' in html
    response = client.post(url("submit", draft))
    assert response.status_code == 302 and response["Location"] == url("application", draft)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED and draft.case is not None
    assert client.post(url("submit", draft)).status_code == 409  # already submitted


def test_discarding_a_draft_needs_a_reason(client, staff):
    as_user(client, staff.village).post(url("application_new"), discovery_post())
    draft = Application.objects.get()
    as_user(client, staff.caseworker)
    response = client.post(url("discard", draft), {f"discard-{draft.pk}-reason": "  "})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT
    response = client.post(url("discard", draft), {f"discard-{draft.pk}-reason": "已迁出本辖区"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DISCARDED
    assert f'id="draft-{draft.pk}"' not in client.get(url("drafts")).content.decode()


def test_village_staff_cannot_discard(client, staff):
    as_user(client, staff.village).post(url("application_new"), discovery_post())
    draft = Application.objects.get()
    response = client.post(url("discard", draft), {f"discard-{draft.pk}-reason": "不需要"})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_applicant_self_service_files_their_own_application(client, staff):
    from tests.factories import HUAYANG, user_with
    from yimen.accounts.roles import Role

    applicant = user_with(Role.APPLICANT, HUAYANG, full_name="张建明")
    html = as_user(client, applicant).get(url("application_new")).content.decode()
    assert 'value="self"' in html and 'value="counter"' not in html
    response = client.post(url("application_new"), form_data(household_input(channel="self")))
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.applicant == applicant and application.case is not None
    assert client.get(response["Location"]).status_code == 200


def test_village_staff_cannot_submit_their_own_report(client, staff):
    as_user(client, staff.village).post(url("application_new"), discovery_post())
    draft = Application.objects.get()
    assert client.post(url("submit", draft)).status_code == 403
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT
