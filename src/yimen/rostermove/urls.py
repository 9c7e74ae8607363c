"""Pages of moving in from the old system, under /moving-in/."""

from django.urls import path

import yimen.web.ids  # noqa: F401  (registers the <id:…> converter)

from . import views

app_name = "rostermove"

urlpatterns = [
    path("", views.batches, name="batches"),
    path("<id:batch_id>/", views.batch, name="batch"),
    path("<id:batch_id>/import/", views.batch_import_view, name="import"),
    path("<id:batch_id>/problems.xlsx", views.problems_download, name="problems_xlsx"),
]
