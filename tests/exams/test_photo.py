"""The candidate's photo: a JPEG or PNG of sensible size is stored (re-encoded, under the
data directory's media folder, a random name), shown only within scope and printed on the
admission ticket; anything else is refused with the reason and writes nothing."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from yimen.audit.models import AuditEvent
from yimen.exams import errors
from yimen.exams.models import Candidate
from yimen.exams.services.candidates import candidate_photo_set

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def image(kind: str = "PNG", size=(300, 400)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, person: Candidate, data: bytes, name="photo.png", back="mine"):
    return client.post(
        f"/exams/candidates/{person.pk}/photo/",
        {"photo": SimpleUploadedFile(name, data), "back": back},
    )


def test_the_candidate_uploads_a_photo_that_goes_on_the_ticket(
    exam_world, media, django_capture_on_commit_callbacks
):
    paper = exam_world.seated(
        starts_at=timezone.now() + timedelta(days=3), user=exam_world.candidate_user
    )
    person = paper.application.candidate
    client = as_user(exam_world.candidate_user)
    plain_ticket = as_user(exam_world.staff).get(f"/exams/papers/{paper.pk}/ticket.pdf").content
    assert upload(client, person, image()).status_code == 302
    person.refresh_from_db()
    stored = media / person.photo.name
    assert stored.is_file() and person.photo.name.startswith("exams/photos/")
    assert person.id_number not in person.photo.name and person.name not in person.photo.name
    with Image.open(stored) as kept:
        assert kept.format == "JPEG" and kept.size == (300, 400)
    assert AuditEvent.objects.filter(event_type="exams.photo_set").count() == 1
    mine = client.get("/exams/mine/").content.decode()
    assert f"/exams/candidates/{person.pk}/photo.jpg" in mine
    assert client.get(f"/exams/candidates/{person.pk}/photo.jpg")["Content-Type"] == "image/jpeg"
    ticket = as_user(exam_world.staff).get(f"/exams/papers/{paper.pk}/ticket.pdf").content
    assert b"/Subtype /Image" in ticket and b"/Subtype /Image" not in plain_ticket
    # a second upload replaces the first; the old file goes
    old = stored
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, person, image("JPEG", (1200, 1600)))
    person.refresh_from_db()
    assert not old.exists() and (media / person.photo.name).is_file()
    with Image.open(media / person.photo.name) as kept:
        assert kept.size == (480, 640)  # shrunk to what a ticket needs


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"", "empty.png", "空"),
        (b"not an image at all", "fake.png", "JPEG 或 PNG"),
        (image("GIF"), "anim.gif", "JPEG 或 PNG"),
        (image("PNG", (40, 40)), "tiny.png", "100"),
        (image("PNG")[:200], "cut.png", "JPEG 或 PNG"),
        (b"\xff\xd8" + b"0" * (2 * 1024 * 1024 + 1), "huge.jpg", "2 MB"),
    ],
)
def test_a_bad_file_is_refused_with_its_reason_and_nothing_written(
    exam_world, media, data, name, words
):
    person = exam_world.candidate(user=exam_world.candidate_user)
    client = as_user(exam_world.candidate_user)
    response = upload(client, person, data, name)
    assert response.status_code == 302
    page = client.get("/exams/mine/").content.decode()
    assert "照片未被接受" in page or "请选择照片文件" in page
    assert words in page or data == b""
    person.refresh_from_db()
    assert not person.photo
    assert not (media / "exams" / "photos").exists() or not any(
        (media / "exams" / "photos").iterdir()
    )
    assert not AuditEvent.objects.filter(event_type="exams.photo_set").exists()


def test_who_may_upload_and_who_may_see(exam_world, media):
    person = exam_world.candidate(user=exam_world.candidate_user)
    candidate_photo_set(candidate=person, data=image(), actor=exam_world.employer_user)
    candidate_photo_set(candidate=person, data=image(), actor=exam_world.admin)
    with pytest.raises(errors.NotAllowed):
        candidate_photo_set(candidate=person, data=image(), actor=exam_world.staff)
    with pytest.raises(errors.NotAllowed):
        candidate_photo_set(candidate=person, data=image(), actor=exam_world.yushu_admin)
    url = f"/exams/candidates/{person.pk}/photo.jpg"
    for user in (exam_world.candidate_user, exam_world.employer_user, exam_world.staff):
        assert as_user(user).get(url).status_code == 200
    assert as_user(exam_world.yushu_admin).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page, never the file
    # another area's administrator cannot upload through the page either
    assert upload(as_user(exam_world.yushu_admin), person, image()).status_code == 404
