from django.urls import path

from . import (
    ids,  # noqa: F401  (registers the <id:…> converter)
    views,
)

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<id:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<id:case_id>/diagram.svg", views.case_diagram, name="case_diagram"),
    path("tasks/<id:task_id>/complete/", views.task_complete, name="task_complete"),
    path("notifications/", views.notifications, name="notifications"),
    path("processes/<str:code>/diagram.svg", views.process_diagram, name="process_diagram"),
]
