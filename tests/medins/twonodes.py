"""Two real nodes on loopback for tests: each a gunicorn server plus an outbox worker, with
its own database (a SQLite file, or a fresh PostgreSQL database when YIMEN_DATABASE_URL
points to PostgreSQL), configured with fresh Ed25519 keys and trusting each other."""

# ruff: noqa: S603 — the harness runs our own commands with our own arguments
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from yimen.medins.node import new_key_pair

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_url() -> str | None:
    url = os.environ.get("YIMEN_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


class Node:
    def __init__(self, name: str, province: str, workdir: Path, db_url: str | None):
        self.name, self.province, self.workdir, self.db_url = name, province, workdir, db_url
        self.port = free_port()
        self.private, self.public = new_key_pair()
        self.config_path = workdir / "node.json"
        self.procs: list[subprocess.Popen] = []
        workdir.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def sqlite_path(self) -> Path:
        return self.workdir / "yimen.sqlite3"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("YIMEN_", "DJANGO_"))}
        env.update(
            YIMEN_DATA_DIR=str(self.workdir),
            YIMEN_ALLOW_INSECURE_KEY="1",
            YIMEN_MEDINS_NODE_CONFIG=str(self.config_path),
            DJANGO_SETTINGS_MODULE="yimen.settings.base",
            PYTHONPATH=str(REPO),
        )
        if self.db_url:
            env["YIMEN_DATABASE_URL"] = self.db_url
        return env

    def configure(self, peer: Node, peer_url: str, **extra) -> None:
        config = {
            "node_id": self.name,
            "province": self.province,
            "private_key": self.private,
            "peers": {
                peer.name: {"url": peer_url, "province": peer.province, "public_key": peer.public}
            },
            **extra,
        }
        self.config_path.write_text(json.dumps(config), encoding="utf-8")

    def yimen_result(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(BIN / "yimen"), *args],
            env=self.env(),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def yimen(self, *args: str) -> str:
        done = subprocess.run(
            [str(BIN / "yimen"), *args],
            env=self.env(),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def nodeproc(self, *args: str, background: bool = False):
        cmd = [sys.executable, "-m", "tests.medins.nodeproc", *args]
        if background:
            log = open(self.workdir / "nodeproc.log", "a")  # noqa: SIM115
            return subprocess.Popen(cmd, env=self.env(), cwd=REPO, stdout=log, stderr=log)
        done = subprocess.run(cmd, env=self.env(), cwd=REPO, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-3000:]
        return done

    def start(self) -> None:
        log = open(self.workdir / "server.log", "a")  # noqa: SIM115
        server = [
            str(BIN / "gunicorn"), "yimen.wsgi:application", "-b", f"127.0.0.1:{self.port}",
            "--workers", "1", "--threads", "8", "--worker-class", "gthread",
            "--timeout", "60", "--graceful-timeout", "1",
        ]  # fmt: skip
        worker = [str(BIN / "yimen"), "medins_outbox", "--loop", "--poll", "0.2"]
        for cmd in (server, worker):
            self.procs.append(
                subprocess.Popen(
                    cmd, env=self.env(), cwd=REPO, stdout=log, stderr=log, start_new_session=True
                )
            )
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                urllib.request.urlopen(self.url + "/api/medins/node/messages", timeout=2)  # noqa: S310
            except urllib.error.HTTPError:
                return  # 405 for GET: the server is up
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"node {self.name} did not start; see {self.workdir}/server.log")

    def kill(self) -> None:
        """SIGKILL, no goodbye: what a power cut does."""
        for proc in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        self.procs = []

    def query(self, sql: str) -> list[tuple]:
        if self.db_url:
            import psycopg

            with psycopg.connect(self.db_url) as conn:
                return list(conn.execute(sql).fetchall())
        conn = sqlite3.connect(f"file:{self.sqlite_path}?mode=ro", uri=True, timeout=30)
        try:
            return list(conn.execute(sql).fetchall())
        finally:
            conn.close()

    def scalar(self, sql: str):
        return self.query(sql)[0][0]


def make_pair(tmp: Path) -> tuple[Node, Node, list[str]]:
    """Two nodes (jilin outgoing, hainan incoming) with migrated databases holding the
    divisions; returns them and the PostgreSQL databases to drop afterwards."""
    base = pg_url()
    created: list[str] = []
    urls: dict[str, str | None] = {"jilin": None, "hainan": None}
    if base:
        parts = urlsplit(base)
        for name in urls:
            db = f"{parts.path.lstrip('/')}_{name}_{os.getpid()}"
            _pg_admin(base, f'DROP DATABASE IF EXISTS "{db}"')
            created.append(db)
            urls[name] = urlunsplit(parts._replace(path="/" + db))
    jilin = Node("jilin", "220000000000", tmp / "jilin", urls["jilin"])
    hainan = Node("hainan", "460000000000", tmp / "hainan", urls["hainan"])
    if base:
        _pg_admin(base, f'CREATE DATABASE "{created[0]}"')
    jilin.configure(hainan, hainan.url)
    jilin.yimen("migrate", "--noinput")
    jilin.yimen("load_divisions")
    if base:
        _pg_admin(base, f'CREATE DATABASE "{created[1]}" TEMPLATE "{created[0]}"')
    else:
        shutil.copy(jilin.sqlite_path, hainan.sqlite_path)
    return jilin, hainan, created


def drop_databases(names: list[str]) -> None:
    base = pg_url()
    if base:
        for db in names:
            _pg_admin(base, f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def backup(node: Node, databases: list[str]) -> object:
    """A copy of the node's database as it is now (the node must be stopped)."""
    if node.db_url:
        source = urlsplit(node.db_url).path.lstrip("/")
        copy = f"{source}_backup"
        _pg_admin(node.db_url, f'DROP DATABASE IF EXISTS "{copy}"')
        _pg_admin(node.db_url, f'CREATE DATABASE "{copy}" TEMPLATE "{source}"')
        databases.append(copy)
        return copy
    copy_path = node.workdir / "backup.sqlite3"
    shutil.copy(node.sqlite_path, copy_path)
    return copy_path


def restore(node: Node, copy: object) -> None:
    """Put the backup back in place of the node's database (the node must be stopped)."""
    if node.db_url:
        target = urlsplit(node.db_url).path.lstrip("/")
        _pg_admin(node.db_url, f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        _pg_admin(node.db_url, f'CREATE DATABASE "{target}" TEMPLATE "{copy}"')
        return
    for suffix in ("-wal", "-shm"):
        Path(f"{node.sqlite_path}{suffix}").unlink(missing_ok=True)
    shutil.copy(Path(str(copy)), node.sqlite_path)
