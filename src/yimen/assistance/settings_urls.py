"""Time limits and cycle days per division (issue 14). Included by the site as
``path("assistance/settings/", include("yimen.assistance.settings_urls"))``."""

from django.urls import path

from . import views_limits as views

app_name = "assistance_settings"
urlpatterns = [
    path("", views.index, name="index"),
    path("time-limits/", views.time_limit, name="time_limit"),
    path("cycle-schedules/", views.cycle_schedule, name="cycle_schedule"),
]
