from tests.assistance.conftest import staff  # noqa: F401 — the township's staff, reused
from tests.notify.standin import stand_in  # noqa: F401 — the stand-in gateway
