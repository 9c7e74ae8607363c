from django.urls import path

from . import views_cycles

app_name = "assistance_cycles"
urlpatterns = [path("", views_cycles.cycle_page, name="page")]
