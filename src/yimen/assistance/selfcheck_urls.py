"""The public self-check (no login, nothing stored).

Included by the site as ``path("public/self-check/", include("yimen.assistance.selfcheck_urls"))``
(namespace ``selfcheck``)."""

from django.urls import path

from . import views_selfcheck as views

app_name = "selfcheck"
urlpatterns = [path("", views.self_check, name="page")]
