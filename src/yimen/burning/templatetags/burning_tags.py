"""Template filters of the burning pages."""

from __future__ import annotations

from django import template

from ..feeds import format_dms

register = template.Library()


@register.filter
def position(obj) -> str:
    """A record's longitude and latitude in degrees-minutes-seconds, as the bulletins write
    them: ``125°04′48.0″E 44°21′27.0″N``."""
    lon, lat = getattr(obj, "longitude", None), getattr(obj, "latitude", None)
    if lon is None or lat is None:
        return ""
    return f"{format_dms(lon, 'lon')} {format_dms(lat, 'lat')}"
