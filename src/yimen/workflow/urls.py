"""The case and task pages. yimen/urls.py mounts them under the ``web`` namespace, the
name they had before they moved here, so ``web:case_detail`` and friends still resolve."""

from django.urls import path

import yimen.web.ids  # noqa: F401  (registers the <id:…> converter)

from . import views

app_name = "workflow"
urlpatterns = [
    path("", views.home, name="home"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<id:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<id:case_id>/diagram.svg", views.case_diagram, name="case_diagram"),
    path("tasks/<id:task_id>/complete/", views.task_complete, name="task_complete"),
    path("notifications/", views.notifications, name="notifications"),
    path("processes/<str:code>/diagram.svg", views.process_diagram, name="process_diagram"),
]
