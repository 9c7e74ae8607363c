"""URLs of the hospital interface, mounted at /fsi/api/rsfComIfsService/."""

from django.urls import URLPattern, URLResolver, path

from .fsi.view import call_service

urlpatterns: list[URLPattern | URLResolver] = [
    path("callService", call_service, name="fsi-call"),
    path("callService/<str:infno>", call_service, name="fsi-call-infno"),
]
