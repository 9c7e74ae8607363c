"""Settings for pytest: the same as production but fast hashing and an in-memory-ish DB."""

import os

os.environ.setdefault("YIMEN_ALLOW_INSECURE_KEY", "1")

from .base import *  # noqa: F403
from .base import _POSTGRES, DATABASES, PASSWORD_HASHERS

# Argon2 stays first for the test that checks it; plain MD5 is only for speed in fixtures.
PASSWORD_HASHERS = [*PASSWORD_HASHERS, "django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # one file per test process, so two runs on one machine never share a database
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405

# A fixed audit key, so every test's appends seal the chain head as production's do; no
# checkpoint directory unless a test gives one (a file left by one test would anchor the
# next test's log).
AUDIT_KEY = "eWltZW4tdGVzdC1hdWRpdC1rZXktMzItYnl0ZXMhISE="
AUDIT_KEY_FILE = ""
AUDIT_CHECKPOINT_DIR = ""

# Background jobs run in the test's own process and transaction unless a test says otherwise
JOBS_INPROCESS = "inline"
if _POSTGRES and "replica" not in DATABASES:
    # the read replica under its own alias, on the same test database; off until a test
    # turns REPLICA_READS on (tests/jobs/test_replica.py)
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
# A fixed master key for field encryption, like the audit key: tests need no key file.
FIELD_KEY = "eWltZW4tdGVzdC1maWVsZA=="
FIELD_KEY_FILE = ""
FIELD_KEY_DEMO = False
