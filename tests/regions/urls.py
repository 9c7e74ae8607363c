"""URLs for the regions tests: the division API mounted as the lead mounts it, and the admin.

The tests do not depend on the project's root URLconf, which other apps change."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/divisions/", include("yimen.regions.api_urls")),
]
