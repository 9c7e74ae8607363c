"""The shell's part of /api/: who am I, tokens, and the problem-JSON catch-all. The case and
task API is workflow/api_urls.py; yimen/urls.py mounts this module after every other /api/
prefix."""

from django.urls import path, re_path

from yimen.accounts.api import MeView, TokenRevokeView, TokenView

from .problems import api_not_found

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/logout/", TokenRevokeView.as_view(), name="api-token-revoke"),
    # last: any other address under /api/ answers with a problem body, not the HTML 404 page
    re_path(r"^", api_not_found, name="api-not-found"),
]
