"""The site's URLs plus the public self-check, for tests until the site includes it itself
(then the site's own include is used and nothing is added)."""

from django.urls import include, path

from yimen.urls import urlpatterns as site

_present = {getattr(p, "namespace", None) for p in site}
urlpatterns = [
    *(
        [path("public/self-check/", include("yimen.assistance.selfcheck_urls"))]
        if "selfcheck" not in _present
        else []
    ),
    *site,
]
