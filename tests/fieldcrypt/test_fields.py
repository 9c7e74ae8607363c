"""The kernel of field encryption: SM4-GCM values with their key identifier, the blind
index, lookups and uniqueness by it, the master key kept apart."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import FieldError
from django.db import IntegrityError, connection, transaction
from stdnum.cn import ric

from tests.factories import NANGUAN
from yimen.exams.models import Candidate
from yimen.fieldcrypt import cipher, columns, keys, sm4
from yimen.fieldcrypt.models import DataKey

pytestmark = pytest.mark.django_db


def an_id(serial: int, birth: str = "19850312") -> str:
    body = f"220102{birth}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


def candidate(tree, number: str, name: str = "赵国庆") -> Candidate:
    return Candidate.objects.create(
        id_number=number,
        name=name,
        birth_date=date(1985, 3, 12),
        education="senior",
        division=tree[NANGUAN],
    )


def stored(row: Candidate) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, id_number_bidx FROM exams_candidate WHERE id = %s", [row.pk]
        )
        return cursor.fetchone()


def test_sm4_gcm_roundtrip_and_tamper():
    key = bytes(range(16))
    sealed = sm4.seal_bytes(key, b"220102198503121234", b"t.c")
    assert sm4.open_bytes(key, sealed, b"t.c") == b"220102198503121234"
    with pytest.raises(sm4.Tampered):
        sm4.open_bytes(key, sealed, b"other.c")
    flipped = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(sm4.Tampered):
        sm4.open_bytes(key, flipped, b"t.c")


def test_value_is_stored_sealed_with_its_key_and_read_back(tree):
    number = an_id(1)
    row = candidate(tree, number)
    raw, index = stored(row)
    assert number not in raw
    prefix, kid, _body = raw.split(":", 2)
    assert prefix == "v1"
    assert DataKey.objects.get(kid=kid).table == "exams_candidate"
    assert index == cipher.blind_index("id_number", number)
    assert Candidate.objects.get(pk=row.pk).id_number == number
    # two writes of one number differ (random nonce); the index does not
    again = cipher.seal("exams_candidate", "id_number", number)
    assert again != raw
    assert cipher.open_("exams_candidate", "id_number", again) == number


def test_a_value_moved_to_another_column_does_not_open(tree):
    row = candidate(tree, an_id(2))
    raw, _ = stored(row)
    with pytest.raises(cipher.Unreadable):
        cipher.open_("exams_candidate", "name", raw)


def test_lookups_compare_the_blind_index(tree):
    first, second = an_id(3), an_id(4)
    candidate(tree, first)
    candidate(tree, second)
    assert Candidate.objects.get(id_number=first).id_number == first
    # normalised: spaces and a lower-case x find the same person
    lower = first[:6] + " " + first[6:].lower()
    assert Candidate.objects.filter(id_number=lower).count() == 1
    assert Candidate.objects.filter(id_number__in=[first, second, an_id(5)]).count() == 2
    assert not Candidate.objects.filter(id_number=an_id(5)).exists()
    assert not Candidate.objects.filter(id_number__in=[]).exists()


def test_prefix_and_ordering_by_ciphertext_are_refused(tree):
    with pytest.raises(FieldError):
        list(Candidate.objects.filter(id_number__startswith="2201"))


def test_uniqueness_goes_by_the_blind_index(tree):
    number = an_id(6)
    candidate(tree, number)
    with pytest.raises(IntegrityError), transaction.atomic():
        candidate(tree, number.lower(), name="另一人")


def test_blind_index_normalises_each_kind():
    assert cipher.blind_index("phone", "138-0000 1234") == cipher.blind_index(
        "phone", "13800001234"
    )
    assert cipher.blind_index("account", "6222 0000 1111") == cipher.blind_index(
        "account", "622200001111"
    )
    assert cipher.blind_index("id_number", "13800001234") != cipher.blind_index(
        "phone", "13800001234"
    )
    assert cipher.blind_index("phone", "") == ""
    assert len(cipher.blind_index("phone", "13800001234")) == 32


def test_raw_writers_get_what_the_orm_writes(tree):
    number = an_id(7)
    sealed, indexes = columns.seal_column(Candidate, "id_number", [number, ""])
    assert sealed[1] == "" and indexes[1] == ""
    assert indexes[0] == columns.index_of(Candidate, "id_number", number)
    assert columns.open_column(Candidate, "id_number", sealed) == [number, ""]
    assert columns.blind_indexes("id_number", [number]) == [indexes[0]]


def test_master_key_file_inside_the_data_dir_is_refused(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.BACKUP_DIR = ""
    settings.FIELD_KEY_DEMO = False
    with pytest.raises(keys.KeyError_):
        keys.check_key_file_apart(tmp_path / "keys" / "field.key")
    keys.check_key_file_apart(Path("/etc/yimen/field.key"))  # apart: accepted


def test_key_file_is_made_once_and_read(settings, tmp_path):
    path = tmp_path / "k" / "field.key"
    kid = keys.write_new_key(path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(FileExistsError):
        keys.write_new_key(path)
    assert len(kid) == 16


def test_a_keyring_under_another_master_key_is_refused(tree, settings):
    row = candidate(tree, an_id(8))
    kid = stored(row)[0].split(":")[1]
    settings.FIELD_KEY = "b3RoZXItbWFzdGVyLWtleQ=="  # another 16-byte key
    keys.forget()
    try:
        with pytest.raises(keys.KeyError_):
            keys.key_by_kid(kid)
    finally:
        settings.FIELD_KEY = "eWltZW4tdGVzdC1maWVsZA=="
        keys.forget()
