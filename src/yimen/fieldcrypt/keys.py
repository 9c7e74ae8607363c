"""The master key and the keyring of wrapped data keys.

The master key (16 bytes, SM4) is read from ``settings.FIELD_KEY`` (base64, from a secret
store) or the file ``settings.FIELD_KEY_FILE``; a file inside the data or backup directory is
refused outside the demo, since whoever copies those would carry the key with the data. Each
table has one active data key and the deployment one index key, each wrapped by the master
key with SM4-GCM (associated data: the key's table and identifier, so a wrapped key cannot be
moved to another table) and stored in ``DataKey``.

Unwrapped keys are cached per process by identifier (an identifier is random and never
reused, so a cached key is always right). Which key is *active* for a table is cached only
once the row is known to be committed: a key created inside a transaction that rolls back
must not go on encrypting values in the next one."""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import secrets
import threading
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction

from yimen.fieldcrypt import sm4
from yimen.fieldcrypt.models import INDEX_SCOPE, DataKey

MASTER_BYTES = 16
DATA_BYTES = 16
INDEX_BYTES = 32

_lock = threading.Lock()
_by_kid: dict[str, bytes] = {}
_active: dict[str, str] = {}  # table -> kid, committed keys only
_uncommitted: set[str] = set()  # tables whose key this process made in an open transaction
_master: list[bytes] = []


class KeyError_(ImproperlyConfigured):
    """The master key is missing, malformed, misplaced, or not the one the keys were
    wrapped with."""


def _inside(path: Path, directory: Path) -> bool:
    try:
        path.resolve().relative_to(directory.resolve())
    except ValueError:
        return False
    return True


def check_key_file_apart(path: Path) -> None:
    """Refuse a master key file in the data directory or the backup directory (the demo's
    own key excepted: it is made there so ``make demo`` needs no step)."""
    if getattr(settings, "FIELD_KEY_DEMO", False):
        return
    for place in (settings.DATA_DIR, getattr(settings, "BACKUP_DIR", "")):
        if place and _inside(path, Path(place)):
            raise KeyError_(
                f"the field master key {path} lies inside {place}: keep it apart "
                f"/ 字段加密主密钥不得存放在 {place} 中"
            )


def _decode(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeyError_(f"{where} is not base64 / 字段加密主密钥不是 base64") from exc
    if len(key) != MASTER_BYTES:
        raise KeyError_(f"{where} does not hold a 16-byte SM4 key / 字段加密主密钥长度不对")
    return key


def write_new_key(path: Path) -> str:
    """Create a master key file (owner read/write only), never over an existing one;
    returns its identifier."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(MASTER_BYTES)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(base64.b64encode(key).decode() + "\n")
    return master_id(key)


def master_id(key: bytes) -> str:
    return hashlib.sha256(b"yimen field master key id" + key).hexdigest()[:16]


def _load_master() -> bytes:
    if settings.FIELD_KEY:
        return _decode(settings.FIELD_KEY, "YIMEN_FIELD_KEY")
    path = Path(settings.FIELD_KEY_FILE)
    check_key_file_apart(path)
    if not path.exists() and getattr(settings, "FIELD_KEY_DEMO", False):
        with contextlib.suppress(FileExistsError):  # another process made it first
            write_new_key(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise KeyError_(
            f"cannot read the field master key from {path} / 无法读取字段加密主密钥"
        ) from exc
    return _decode(text, str(path))


def master_key() -> bytes:
    """The master key (read once per process)."""
    with _lock:
        if not _master:
            _master.append(_load_master())
        return _master[0]


def forget() -> None:
    """Drop every cached key (tests; a process that changed its settings)."""
    with _lock:
        _by_kid.clear()
        _active.clear()
        _uncommitted.clear()
        _master.clear()


def _wrap_aad(table: str, kid: str) -> bytes:
    return f"yimen field key|{table}|{kid}".encode()


def _unwrap(row: DataKey) -> bytes:
    master = master_key()
    if row.master_id != master_id(master):
        raise KeyError_(
            f"key {row.kid} of {row.table} was wrapped by master key {row.master_id}, not by "
            f"the configured one / 数据密钥不是由当前主密钥包装的"
        )
    return sm4.open_bytes(master, base64.b64decode(row.wrapped), _wrap_aad(row.table, row.kid))


def key_by_kid(kid: str) -> bytes:
    """The data or index key a stored value names."""
    key = _by_kid.get(kid)
    if key is not None:
        return key
    row = DataKey.objects.filter(kid=kid).first()
    if row is None:
        raise KeyError_(f"no key {kid} in the keyring / 密钥库中没有密钥 {kid}")
    key = _unwrap(row)
    _by_kid[kid] = key
    return key


def _committed(table: str, kid: str) -> None:
    _uncommitted.discard(table)
    _active[table] = kid


def new_key(table: str, *, size: int = DATA_BYTES) -> DataKey:
    """Create the table's next key and make it the active one (the previous one is
    retired but kept for the values that still name it)."""
    master = master_key()
    kid = secrets.token_hex(8)
    raw = secrets.token_bytes(size)
    wrapped = sm4.seal_bytes(master, raw, _wrap_aad(table, kid))
    with transaction.atomic():
        DataKey.objects.filter(table=table, active=True).update(active=False)
        row = DataKey.objects.create(
            kid=kid,
            table=table,
            wrapped=base64.b64encode(wrapped).decode(),
            master_id=master_id(master),
        )
    _by_kid[kid] = raw
    _active.pop(table, None)
    _uncommitted.add(table)
    transaction.on_commit(lambda: _committed(table, kid))
    return row


def active_key(table: str, *, size: int = DATA_BYTES) -> tuple[str, bytes]:
    """(kid, key) the table's new values are encrypted with; made on first use (the
    apps' migrations make theirs, so at run time the key is found, already committed)."""
    kid = _active.get(table)
    if kid is not None:
        return kid, _by_kid[kid]
    row = DataKey.objects.filter(table=table, active=True).first()
    if row is None:
        try:
            row = new_key(table, size=size)
        except IntegrityError:  # another process made it meanwhile
            row = DataKey.objects.get(table=table, active=True)
    key = key_by_kid(row.kid)
    if table not in _uncommitted:
        # made by another process (or an earlier, committed transaction of this one)
        _active[table] = row.kid
    return row.kid, key


def index_key() -> bytes:
    """The deployment's one blind-index key (shared by every table and Parquet file, so an
    index computed anywhere matches one computed elsewhere)."""
    return active_key(INDEX_SCOPE, size=INDEX_BYTES)[1]
