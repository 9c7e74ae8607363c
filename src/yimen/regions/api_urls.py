"""Division API routes, without an app namespace; the project mounts them with
``path("api/divisions/", include("yimen.regions.api_urls"))``."""

from django.urls import path

from . import api

urlpatterns = [
    path("", api.DivisionListView.as_view(), name="api-divisions"),
    path("<str:code>/", api.DivisionDetailView.as_view(), name="api-division"),
    path("<str:code>/children/", api.DivisionChildrenView.as_view(), name="api-division-children"),
]
