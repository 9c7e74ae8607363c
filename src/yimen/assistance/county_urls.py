"""County supervision pages (read-only, plus requests for township review) and the
township's answers. Included by the site under ``county/`` (namespace ``county``)."""

from django.urls import path, register_converter
from django.urls.converters import get_converters

from yimen.web.ids import IdConverter

from . import views_county as views

if "id" not in get_converters():  # web.urls registers it too; a second registration warns
    register_converter(IdConverter, "id")

app_name = "county"
urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/<id:application_id>/", views.case_detail, name="case_detail"),
    path("cases/<id:application_id>/flag/", views.flag_raise, name="flag_raise"),
    path("flags/", views.flags, name="flags"),
    path("flags/<id:flag_id>/answer/", views.flag_answer, name="flag_answer"),
]
