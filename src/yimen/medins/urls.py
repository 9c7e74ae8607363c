"""URLs of medins (pages under /medins/)."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "medins"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("apply/", views.apply_counter, name="apply"),
    path("mine/", views.mine, name="mine"),
    path("transfers/<int:pk>/", views.detail, name="detail"),
    path("transfers/<int:pk>/act/", views.act, name="act"),
    path("transfers/<int:pk>/forms/<slug:form>.pdf", views.paper_form, name="paper_form"),
]
