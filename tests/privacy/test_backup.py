"""Backups: made encrypted, refused with the key in the wrong place or the wrong key,
tampering detected, and a restore after the data was wiped puts everything back — run on
SQLite and on PostgreSQL (whichever the suite runs against)."""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import NANLING, UserFactory
from yimen.accounts.models import User
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.audit.verify import verify_chain
from yimen.privacy.backup import DATA, DATABASE, backup_make, backup_restore
from yimen.privacy.backup_crypto import (
    CHUNK,
    BackupCorrupt,
    BackupKeyError,
    EncryptingWriter,
    decrypt_stream,
    read_key,
    write_new_key,
)
from yimen.regions.models import Division

# the restore replaces the whole database: no test transaction around it
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def places(tmp_path, settings):
    data = tmp_path / "data"
    (data / "media" / "assistance" / "1").mkdir(parents=True)
    (data / "media" / "assistance" / "1" / "id_card.png").write_bytes(b"\x89PNG scan")
    (data / "verification").mkdir()
    (data / "verification" / "batch-1.parquet").write_bytes(b"PAR1 rows")
    settings.DATA_DIR = data
    keys = tmp_path / "keys"
    key_file = keys / "backup.key"
    write_new_key(key_file)
    return data, tmp_path / "backups", key_file


def test_stream_encryption_round_trip_and_tamper(tmp_path):
    key_file = tmp_path / "k"
    write_new_key(key_file)
    key = read_key(key_file)
    plain = os.urandom(CHUNK * 2 + 123)
    sealed = tmp_path / "sealed"
    with sealed.open("wb") as out:
        writer = EncryptingWriter(out, key)
        writer.write(plain)
        writer.close()
    assert plain[:64] not in sealed.read_bytes()
    restored = tmp_path / "restored"
    with sealed.open("rb") as source, restored.open("wb") as target:
        decrypt_stream(source, target, key)
    assert restored.read_bytes() == plain
    data = sealed.read_bytes()
    cut = tmp_path / "cut"
    cut.write_bytes(data[: 24 + 4 + CHUNK + 16])  # the header and the first chunk only
    for broken in (cut, sealed):
        if broken is sealed:
            flipped = bytearray(data)
            flipped[100] ^= 1
            sealed.write_bytes(bytes(flipped))
        with broken.open("rb") as source, pytest.raises(BackupCorrupt):
            decrypt_stream(source, open(os.devnull, "wb"), key)  # noqa: SIM115
    other = tmp_path / "other"
    write_new_key(other)
    with cut.open("rb") as source, pytest.raises(BackupKeyError):
        decrypt_stream(source, open(os.devnull, "wb"), read_key(other))  # noqa: SIM115


def test_backup_wipe_restore(places, tree):
    data, out, key_file = places
    kept = UserFactory(username="kept-user", full_name="备份前的用户")
    record_event(event_type=EventType.LOGIN, subject=kept, actor=kept)
    key = read_key(key_file)
    made = backup_make(out_dir=out, key=key, key_file=key_file)
    database = (made.directory / DATABASE).read_bytes()
    assert b"kept-user" not in database and "备份前的用户".encode() not in database
    assert b"PAR1 rows" not in (made.directory / DATA).read_bytes()

    # wipe: the rows and the files go
    UserFactory(username="after-backup")
    for path in data.rglob("*"):
        if path.is_file():
            path.unlink()
    call_command("flush", "--noinput", verbosity=0)
    assert not User.objects.filter(username="kept-user").exists()

    backup_restore(directory=made.directory, key=key, key_file=key_file)
    assert User.objects.get(username="kept-user").full_name == "备份前的用户"
    assert not User.objects.filter(username="after-backup").exists()
    assert (data / "media" / "assistance" / "1" / "id_card.png").read_bytes() == b"\x89PNG scan"
    assert (data / "verification" / "batch-1.parquet").read_bytes() == b"PAR1 rows"
    assert verify_chain().ok  # the audit chain and its head came back together
    assert Division.objects.filter(code=NANLING).exists()


def test_a_changed_backup_or_the_wrong_key_is_refused_before_loading(places, tree):
    _, out, key_file = places
    UserFactory(username="kept-user")
    key = read_key(key_file)
    made = backup_make(out_dir=out, key=key, key_file=key_file)
    other = key_file.parent / "other.key"
    write_new_key(other)
    with pytest.raises(BackupKeyError):
        backup_restore(directory=made.directory, key=read_key(other), key_file=other)
    blob = bytearray((made.directory / DATA).read_bytes())
    blob[-5] ^= 1
    (made.directory / DATA).write_bytes(bytes(blob))
    UserFactory(username="after-backup")
    with pytest.raises(BackupCorrupt):
        backup_restore(directory=made.directory, key=key, key_file=key_file)
    assert User.objects.filter(username="after-backup").exists()  # nothing was loaded


def test_the_commands_keep_the_key_apart(places, tree):
    data, out, key_file = places
    inside = data / "backup.key"
    with pytest.raises(CommandError):
        call_command("backup", "--keygen", "--key-file", str(inside))
    write_new_key(inside)
    with pytest.raises(CommandError):
        call_command("backup", "--out", str(out), "--key-file", str(inside))
    with pytest.raises(CommandError):
        call_command("backup", "--out", str(out))  # no key named
    printed = StringIO()
    call_command("backup", "--out", str(out), "--key-file", str(key_file), stdout=printed)
    made = sorted(Path(out).glob("yimen-*"))
    assert len(made) == 1 and str(made[0]) in printed.getvalue()
    with pytest.raises(CommandError):  # a restore must be confirmed
        call_command("restore", "--from", str(out), "--key-file", str(key_file))
    call_command(
        "restore", "--from", str(out), "--key-file", str(key_file), "--yes", stdout=StringIO()
    )
