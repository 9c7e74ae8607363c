"""The site's URLs plus the public and county pages of assistance, for tests until the site
includes them itself (then the site's own includes are used and nothing is added)."""

from django.urls import include, path

from yimen.urls import urlpatterns as site

_present = {getattr(p, "namespace", None) for p in site}
urlpatterns = [
    *(
        [path("public/", include("yimen.assistance.public_urls"))]
        if "public" not in _present
        else []
    ),
    *(
        [path("county/", include("yimen.supervision.urls"))]
        if "supervision" not in _present
        else []
    ),
    *site,
]
