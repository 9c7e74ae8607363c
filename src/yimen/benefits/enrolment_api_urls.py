"""The disclosure step of the assistance API, included by the site under ``api/assistance/``
before assistance's own URLs (see api_enrolment.py for why it is benefits' code)."""

from django.urls import path

from . import api_enrolment

urlpatterns = [
    path(
        "applications/<str:application_id>/disclosure/",
        api_enrolment.DisclosureView.as_view(),
        name="api-assistance-disclosure",
    ),
]
