from django.urls import path

from . import views

app_name = "verification"
urlpatterns = [
    path("", views.index, name="index"),
    path("imports/", views.imports, name="imports"),
    path("requests/", views.requests, name="requests"),
    path("reports/<int:report_id>/", views.report, name="report"),
    path("runs/new/", views.run_new, name="run_new"),
    path("runs/<int:run_id>/", views.run_page, name="run"),
    path("runs/<int:run_id>/progress/", views.run_progress, name="run_progress"),
]
