from . import admin_parameters  # noqa: F401
