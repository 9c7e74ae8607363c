"""WSGI entry point for gunicorn: `gunicorn yimen.wsgi`.

The hospital interface (/fsi/…/callService) is answered in front of Django's middleware
(settlement/fsi/wsgi.py); every other request goes through Django as usual."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yimen.settings.base")


def _application():
    """Django set up first: the hospital interface's module imports models."""
    django_application = get_wsgi_application()
    from yimen.settlement.fsi.wsgi import fsi_first

    return fsi_first(django_application)


application = _application()
