"""The audit log in the admin can be read, searched and filtered, never changed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from yimen.audit.models import AuditEvent


@pytest.fixture
def admin_client(client, db):
    user = UserFactory(is_staff=True, is_superuser=True)
    user.save()  # keep the password hash set after creation, or the session is dropped
    client.force_login(user)
    return client


def test_changelist_search_and_filters(admin_client, log8):
    url = reverse("admin:audit_auditevent_changelist")
    page = admin_client.get(url)
    assert page.status_code == 200
    assert page.context["cl"].result_count == 8

    found = admin_client.get(url, {"q": "7"}).context["cl"]
    assert [e.subject_id for e in found.result_list] == ["7"]
    by_type = admin_client.get(url, {"event_type": "workflow.case_flagged"}).context["cl"]
    assert sorted(e.seq for e in by_type.result_list) == [5, 6, 7, 8]
    by_role = admin_client.get(url, {"role": "township_caseworker"}).context["cl"]
    assert sorted(e.seq for e in by_role.result_list) == [1, 2, 3, 4]
    by_name = admin_client.get(url, {"q": log8[0].actor_name}).context["cl"]
    assert by_name.result_count == 8


def test_no_add_change_or_delete(admin_client, log8):
    event = log8[0]
    assert admin_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    change_url = reverse("admin:audit_auditevent_change", args=[event.pk])
    view = admin_client.get(change_url)
    assert view.status_code == 200  # read-only view
    assert b'name="_save"' not in view.content
    assert admin_client.post(change_url, {"reason": "rewritten"}).status_code == 403
    delete_url = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert admin_client.get(delete_url).status_code == 403
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = admin_client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert changelist.status_code in {200, 302}
    assert AuditEvent.objects.get(pk=event.pk).reason == event.reason
    assert AuditEvent.objects.count() == 8
