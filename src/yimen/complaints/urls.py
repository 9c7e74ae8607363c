"""Pages of complaints and re-examination, under /complaints/ (namespace ``complaints``).
The report form and the follow-up by receipt code need no login."""

from django.urls import path

import yimen.web.ids  # noqa: F401  (registers the <id:…> converter)

from . import views_public, views_reexam, views_remedies, views_reports

app_name = "complaints"

urlpatterns = [
    # public: anyone, signed in or not
    path("report/", views_public.report_start, name="report_start"),
    path("report/form/", views_public.report_form, name="report_form"),
    path("report/done/", views_public.report_done, name="report_done"),
    path("follow/", views_public.follow, name="follow"),
    # the citizen
    path("mine/", views_reexam.mine, name="mine"),
    path("mine/<id:application_id>/reexamine/", views_reexam.reexam_apply, name="reexam_apply"),
    # staff: reports
    path("", views_reports.report_list, name="reports"),
    path("reports/<id:complaint_id>/", views_reports.report_detail, name="report"),
    path("reports/<id:complaint_id>/take/", views_reports.report_take, name="report_take"),
    path(
        "reports/<id:complaint_id>/reporter/", views_reports.report_identity, name="report_identity"
    ),
    path("reports/<id:complaint_id>/answer/", views_reports.report_answer, name="report_answer"),
    path("reports/<id:complaint_id>/review/", views_reports.report_review, name="report_review"),
    # staff: re-examinations, reconsiderations and lawsuits, settings
    path("reexaminations/", views_reexam.reexam_list, name="reexams"),
    path("reexaminations/counter/", views_reexam.reexam_counter, name="reexam_counter"),
    path("reexaminations/<id:reexam_id>/", views_reexam.reexam_detail, name="reexam"),
    path("reexaminations/<id:reexam_id>/decide/", views_reexam.reexam_decide, name="reexam_decide"),
    path("remedies/", views_remedies.remedy_list, name="remedies"),
    path("remedies/new/", views_remedies.remedy_new, name="remedy_new"),
    path("remedies/<id:remedy_id>/", views_remedies.remedy_detail, name="remedy"),
    path(
        "remedies/<id:remedy_id>/conclude/",
        views_remedies.remedy_conclude,
        name="remedy_conclude",
    ),
    path("settings/", views_remedies.settings_page, name="settings"),
]
