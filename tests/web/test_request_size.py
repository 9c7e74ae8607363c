"""A request body over settings.YIMEN_MAX_REQUEST_BYTES is refused with a 413 from its
declared length, before Django reads it (an upload is otherwise written to disk whole
before a view can look at its size), in both languages; nothing is written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yimen.assistance.models import Attachment
from yimen.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def small_cap(settings):
    settings.YIMEN_MAX_REQUEST_BYTES = 2**20  # 1 MB


def upload(size: int) -> dict:
    return {"kind": "id_card", "file": SimpleUploadedFile("id.png", PNG + b"0" * size)}


def test_a_page_upload_over_the_cap_is_refused_before_it_is_read(client, world, small_cap):
    client.force_login(world.caseworker)
    events = AuditEvent.objects.count()
    answer = client.post("/assistance/applications/1/attachments/", upload(2 * 2**20))
    assert answer.status_code == 413
    page = answer.content.decode()
    assert "1 MB" in page and "超出一门允许的上限" in page and "the most Yimen accepts" in page
    assert Attachment.objects.count() == 0 and AuditEvent.objects.count() == events


def test_the_api_answers_with_problem_details(client, world, small_cap):
    client.force_login(world.caseworker)
    answer = client.post("/api/assistance/applications/1/attachments/", upload(2 * 2**20))
    assert answer.status_code == 413
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["code"] == "invalid.too_large"


def test_a_declared_length_alone_is_enough_to_refuse(client, world, small_cap):
    """The length is what is checked, so nothing of a huge body is received first."""
    client.force_login(world.caseworker)
    answer = client.post("/api/cases/1/withdraw/", {"reason": "x"}, CONTENT_LENGTH=str(10 * 2**30))
    assert answer.status_code == 413


def test_requests_under_the_cap_reach_the_view(client, world, small_cap):
    client.force_login(world.caseworker)
    answer = client.post("/api/cases/999999/withdraw/", {"reason": "x"})
    assert answer.status_code == 404  # the view ran and did not find the case
