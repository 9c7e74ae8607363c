"""API of assistance's steps whose use case reaches the roster (services/enrolment.py).

Served under ``api/assistance/`` (enrolment_api_urls.py), at the path it has always had:
only the code moved, above assistance, so that assistance never calls the roster."""

from __future__ import annotations

from yimen.assistance.api import StepView, step_schema

from .services import enrolment


@step_schema(None)
class DisclosureView(StepView):
    """Confirm that the approved household is on the public notice (it joins the roster)."""

    record = staticmethod(enrolment.disclosure_publish)
