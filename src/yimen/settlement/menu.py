"""When settlement's menu items show (web/menu.py names these by their dotted path, so the
shell imports no service)."""

from __future__ import annotations


def linked_to_insured_person(user) -> bool:
    """A citizen sees "my filings" only once linked to an insured person."""
    from .models import PersonLink

    return PersonLink.objects.filter(user=user).exists()
