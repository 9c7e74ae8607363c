"""Fixtures for county supervision: the staff of 南岭街道 and the 南关区 supervisor, the same
people the assistance tests use (the county supervises their cases)."""

from tests.assistance.conftest import staff  # noqa: F401  (re-exported fixture)
