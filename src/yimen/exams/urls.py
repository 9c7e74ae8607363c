"""Pages of the safety exams, under /exams/."""

from django.urls import path

import yimen.web.ids  # noqa: F401  (registers the <id:…> converter)

from . import views_link, views_manage, views_mine, views_review, views_sit, views_staff

app_name = "exams"

urlpatterns = [
    path("", views_staff.index, name="index"),
    path("categories/", views_staff.categories, name="categories"),
    path("manage/", views_manage.manage, name="manage"),
    path("candidates/", views_staff.candidates, name="candidates"),
    path("candidates/<id:exam_candidate_id>/", views_staff.candidate, name="candidate"),
    path("applications/<id:exam_application_id>/schedule/", views_staff.schedule, name="schedule"),
    path("applications/<id:exam_application_id>/mark/", views_staff.mark, name="mark"),
    path("sessions/", views_staff.sessions, name="sessions"),
    path("sessions/<id:exam_session_id>/", views_staff.session, name="session"),
    path("sessions/<id:exam_session_id>/fill/", views_staff.session_fill, name="session_fill"),
    path(
        "sessions/<id:exam_session_id>/close/",
        views_staff.session_close_view,
        name="session_close",
    ),
    path("papers/<id:exam_paper_id>/event/", views_staff.paper_event, name="paper_event"),
    path("papers/<id:exam_paper_id>/ticket.pdf", views_staff.ticket, name="ticket"),
    path("certificates/", views_staff.certificates, name="certificates"),
    path(
        "certificates/<id:exam_certificate_id>/review/",
        views_review.review,
        name="certificate_review",
    ),
    path(
        "certificates/<id:exam_certificate_id>/review/apply/",
        views_review.review_request,
        name="review_request",
    ),
    path("candidates/<id:exam_candidate_id>/photo.jpg", views_review.photo, name="photo"),
    path(
        "candidates/<id:exam_candidate_id>/photo/",
        views_review.photo_upload,
        name="photo_upload",
    ),
    path(
        "certificates/<id:exam_certificate_id>/<str:step>/",
        views_staff.certificate_act,
        name="certificate_act",
    ),
    path(
        "certificates/<id:exam_certificate_id>.pdf",
        views_staff.certificate_file,
        name="certificate_file",
    ),
    path("statistics/", views_mine.statistics, name="statistics"),
    path("mine/", views_mine.mine, name="mine"),
    path("mine/link/", views_link.link, name="link"),
    path(
        "candidates/<id:exam_candidate_id>/link-code/",
        views_link.link_code,
        name="link_code",
    ),
    path("employer/", views_mine.employer, name="employer"),
    path("employer/green/", views_mine.green_request, name="green_request"),
    path("green/<id:request_id>/decide/", views_manage.green_decide, name="green_decide"),
    path("employer/template.xlsx", views_mine.import_template, name="import_template"),
    path("verify/", views_mine.verify, name="verify"),
    path("sit/", views_sit.sign_in, name="sit"),
    path("sit/paper/", views_sit.paper, name="paper"),
    path("sit/answer/", views_sit.answer, name="answer"),
    path("sit/submit/", views_sit.submit, name="submit"),
]
