from django.urls import path

from . import views_overview

app_name = "assistance_overview"
urlpatterns = [path("", views_overview.overview, name="page")]
