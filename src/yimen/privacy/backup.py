"""`yimen backup` and `yimen restore`: the database and the data directory, encrypted.

A backup is a directory holding three files:

* ``database.enc`` — PostgreSQL: ``pg_dump --format=custom`` piped straight into the
  encryptor (never written in clear); SQLite: a consistent copy made with SQLite's online
  backup API, then encrypted;
* ``data.enc`` — a gzip'd tar of the data directory (uploads, Parquet batches, signed
  copies, audit checkpoints), less the SQLite database (already in ``database.enc``), key
  files and earlier backups;
* ``manifest.json`` — when, which engine, the SHA-256 and size of both encrypted files and
  the id of the key (not the key); no personal data.

Restore checks the manifest, then decrypts (each chunk authenticated, `backup_crypto`) and
loads: ``pg_restore --clean --if-exists`` into the configured PostgreSQL database, or
SQLite's backup API into the configured SQLite file; the data directory's files are put
back in place (existing files of the same name are replaced, others left)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .backup_crypto import (
    BackupCorrupt,
    BackupKeyError,
    EncryptingWriter,
    decrypt_stream,
    key_id,
)

DATABASE, DATA, MANIFEST = "database.enc", "data.enc", "manifest.json"
FORMAT = "yimen-backup/1"


class BackupRefused(ValueError):
    """The backup cannot be made or restored as asked (said in Chinese and English)."""


@dataclass(frozen=True)
class BackupMade:
    directory: Path
    manifest: dict[str, Any]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _inside(path: Path, directory: Path) -> bool:
    try:
        path.resolve().relative_to(directory.resolve())
    except ValueError:
        return False
    return True


def check_key_apart(key_file: Path, *places: Path) -> None:
    """Refuse a key file kept inside the data directory or the backup directory: whoever
    copies the backups would take the key with them."""
    for place in places:
        if _inside(key_file, place):
            raise BackupRefused(
                f"the backup key {key_file} lies inside {place}: keep it apart "
                f"/ 备份密钥不得存放在 {place} 中"
            )


def _tool(name: str) -> str:
    """The full path of a PostgreSQL client program (of the server's major version)."""
    found = shutil.which(name)
    if found is None:
        raise BackupRefused(f"{name} is not installed / 未安装 {name}")
    return found


def _pg_env() -> dict[str, str]:
    conf = connection.settings_dict
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", conf.get("HOST")),
        ("PGPORT", conf.get("PORT")),
        ("PGUSER", conf.get("USER")),
        ("PGPASSWORD", conf.get("PASSWORD")),
        ("PGDATABASE", conf.get("NAME")),
    ):
        if value:
            env[variable] = str(value)
    return env


def _dump_database(target: Path, key: bytes) -> None:
    with target.open("wb") as out:
        writer = EncryptingWriter(out, key)
        if connection.vendor == "postgresql":
            process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
                [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=_pg_env(),
            )
            assert process.stdout is not None
            for block in iter(lambda: process.stdout.read(1024 * 1024), b""):  # type: ignore[union-attr]
                writer.write(block)
            error = process.stderr.read() if process.stderr else b""
            if process.wait() != 0:
                raise BackupRefused(f"pg_dump failed / 数据库导出失败: {error.decode()[:500]}")
        elif connection.vendor == "sqlite":
            connection.ensure_connection()
            with tempfile.TemporaryDirectory() as scratch:
                copy = Path(scratch) / "copy.sqlite3"
                with sqlite3.connect(copy) as destination:
                    connection.connection.backup(destination)
                with copy.open("rb") as handle:
                    for block in iter(lambda: handle.read(1024 * 1024), b""):
                        writer.write(block)
        else:
            raise BackupRefused(f"no backup for {connection.vendor} / 不支持此数据库")
        writer.close()


def _excluded(data_dir: Path, skip: list[Path]) -> Any:
    database = Path(str(connection.settings_dict.get("NAME") or ""))

    def exclude(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
        path = data_dir / info.name
        name = path.name
        if name.endswith((".sqlite3", ".sqlite3-wal", ".sqlite3-shm", ".sqlite3-journal")):
            return None
        if connection.vendor == "sqlite" and path.resolve() == database.resolve():
            return None
        if any(path.resolve() == s.resolve() or _inside(path, s) for s in skip):
            return None
        return info

    return exclude


def _archive_data(target: Path, key: bytes, data_dir: Path, skip: list[Path]) -> None:
    with target.open("wb") as out:
        writer = EncryptingWriter(out, key)
        with tarfile.open(fileobj=writer, mode="w|gz") as archive:  # type: ignore[call-overload]
            if data_dir.is_dir():
                archive.add(data_dir, arcname=".", filter=_excluded(data_dir, skip))
        writer.close()


def backup_make(*, out_dir: Path, key: bytes, key_file: Path) -> BackupMade:
    """Write a new backup into a fresh directory under ``out_dir``; returns it."""
    data_dir = Path(settings.DATA_DIR)
    check_key_apart(key_file, data_dir, out_dir)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    directory = out_dir / f"yimen-{stamp}"
    suffix = 1
    while directory.exists():
        suffix += 1
        directory = out_dir / f"yimen-{stamp}-{suffix}"
    directory.mkdir(parents=True)
    audit_key_file = str(getattr(settings, "AUDIT_KEY_FILE", "") or "")
    # the field-encryption master key (the demo's lives in the data directory) never goes
    # into the backup beside the ciphertext it opens
    field_key_file = str(getattr(settings, "FIELD_KEY_FILE", "") or "")
    skip = [
        out_dir,
        key_file,
        *(Path(f) for f in (audit_key_file, field_key_file) if f),
    ]
    _dump_database(directory / DATABASE, key)
    _archive_data(directory / DATA, key, data_dir, skip)
    manifest = {
        "format": FORMAT,
        "made_at": timezone.now().isoformat(timespec="seconds"),
        "engine": connection.vendor,
        "key_id": key_id(key),
        "files": {
            name: {"sha256": _sha256(directory / name), "size": (directory / name).stat().st_size}
            for name in (DATABASE, DATA)
        },
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return BackupMade(directory, manifest)


def _checked_manifest(directory: Path, key: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupCorrupt(f"{directory} has no readable manifest / 备份清单缺失") from exc
    if manifest.get("format") != FORMAT:
        raise BackupCorrupt("unknown backup format / 备份格式不明")
    if manifest.get("key_id") != key_id(key):
        raise BackupKeyError("this backup was made with another key / 此备份由另一密钥加密")
    if manifest.get("engine") != connection.vendor:
        raise BackupRefused(
            f"a {manifest.get('engine')} backup cannot be restored into {connection.vendor} "
            "/ 备份与目标数据库类型不同"
        )
    for name, facts in manifest.get("files", {}).items():
        path = directory / name
        if not path.is_file() or _sha256(path) != facts.get("sha256"):
            raise BackupCorrupt(f"{name} does not match the manifest / {name} 与清单不符")
    return manifest


def _restore_database(source: Path, key: bytes) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        plain = Path(scratch) / "database"
        with source.open("rb") as encrypted, plain.open("wb") as out:
            decrypt_stream(encrypted, out, key)
        if connection.vendor == "postgresql":
            connection.close()
            result = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
                [
                    _tool("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--dbname",
                    _pg_env()["PGDATABASE"],
                    str(plain),
                ],
                capture_output=True,
                env=_pg_env(),
                check=False,
            )
            if result.returncode != 0:
                raise BackupRefused(
                    f"pg_restore failed / 数据库恢复失败: {result.stderr.decode()[:500]}"
                )
        else:
            connection.ensure_connection()
            with sqlite3.connect(plain) as restored:
                restored.backup(connection.connection)


def _restore_data(source: Path, key: bytes, data_dir: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        plain = Path(scratch) / "data.tar.gz"
        with source.open("rb") as encrypted, plain.open("wb") as out:
            decrypt_stream(encrypted, out, key)
        data_dir.mkdir(parents=True, exist_ok=True)
        with tarfile.open(plain, mode="r:gz") as archive:
            archive.extractall(data_dir, filter="data")


def backup_restore(*, directory: Path, key: bytes, key_file: Path) -> dict[str, Any]:
    """Restore the database and the data directory from ``directory``; the manifest and
    every chunk are checked, and nothing is loaded from a file that fails."""
    data_dir = Path(settings.DATA_DIR)
    check_key_apart(key_file, data_dir)
    manifest = _checked_manifest(directory, key)
    _restore_database(directory / DATABASE, key)
    _restore_data(directory / DATA, key, data_dir)
    return manifest


def latest_backup(out_dir: Path) -> Path | None:
    found = sorted(p for p in out_dir.glob("yimen-*") if (p / MANIFEST).is_file())
    return found[-1] if found else None


__all__ = [
    "BackupCorrupt",
    "BackupKeyError",
    "BackupRefused",
    "backup_make",
    "backup_restore",
    "check_key_apart",
    "latest_backup",
]
