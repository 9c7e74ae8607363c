"""The site's URLs plus the assistance staff pages and API, for tests run before the site
wires them (yimen/urls.py). Once wired, this is the site's URLs unchanged."""

from django.urls import include, path

from yimen import urls as site

_wired = any(str(p.pattern) == "api/assistance/" for p in site.urlpatterns)

urlpatterns = (
    []
    if _wired
    else [
        path("assistance/", include("yimen.assistance.urls")),
        path("api/assistance/", include("yimen.assistance.api_urls")),
    ]
) + site.urlpatterns
