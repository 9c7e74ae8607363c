from tests.web.world import _fast_password_hashing, world  # noqa: F401  (fixtures)
