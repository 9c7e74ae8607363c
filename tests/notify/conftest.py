from tests.assistance.conftest import staff  # noqa: F401 — the township's staff, reused
