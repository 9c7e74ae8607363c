"""County supervision pages (read-only, plus requests for township review) and the
township's answers. Included by the site under ``county/`` (namespace ``supervision``);
the paths keep their /county/ prefix so bookmarks still work."""

from django.urls import path

import yimen.web.ids  # noqa: F401  (registers the <id:…> converter)
from yimen.db_router import replica_reads

from . import views_burning as burning  # issue 18: fire cases, read-only
from . import views_cases as views
from . import views_dashboard as board
from . import views_sampling as samples
from . import views_subsidy as subsidy

app_name = "supervision"
urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/<id:application_id>/", views.case_detail, name="case_detail"),
    path("cases/<id:application_id>/unmask/", views.case_unmask, name="case_unmask"),
    path("cases/<id:application_id>/flag/", views.flag_raise, name="flag_raise"),
    path("flags/", views.flags, name="flags"),
    path("flags/<id:flag_id>/answer/", views.flag_answer, name="flag_answer"),
    # issue 6 item 4–5: dashboard and statistics (codes are 12 digits; others are 404)
    path("dashboard/", replica_reads(board.dashboard_page), name="dashboard_home"),
    path("dashboard/<str:code>/", replica_reads(board.dashboard_page), name="dashboard"),
    path(
        "dashboard/<str:code>/excel/", replica_reads(board.dashboard_excel), name="dashboard_excel"
    ),
    path("statistics/", replica_reads(board.statistics_page), name="statistics_home"),
    path("statistics/<str:code>/", replica_reads(board.statistics_page), name="statistics"),
    path(
        "statistics/<str:code>/excel/",
        replica_reads(board.statistics_excel),
        name="statistics_excel",
    ),
    # county sampling, one set of views for every service (``kind``)
    path("samples/", samples.samples, {"kind": "assistance"}, name="samples"),
    path("samples/draw/", samples.sample_draw, {"kind": "assistance"}, name="sample_draw"),
    path("samples/share/", samples.share_set, {"kind": "assistance"}, name="sample_share"),
    path("samples/<id:draw_id>/", samples.sample, {"kind": "assistance"}, name="sample"),
    path(
        "samples/<id:draw_id>/cases/<id:sampled_id>/finding/",
        samples.sample_finding,
        {"kind": "assistance"},
        name="sample_finding",
    ),
    # issue 17: the straw-to-meat subsidy, read-only, sampled, review requests to the bureau
    path("subsidy/", subsidy.subsidy_cases, name="subsidy_cases"),
    path("subsidy/<id:application_id>/", subsidy.subsidy_case, name="subsidy_case"),
    path("subsidy/<id:application_id>/request/", subsidy.subsidy_request, name="subsidy_request"),
    path("subsidy/samples/", samples.samples, {"kind": "subsidy"}, name="subsidy_samples"),
    path(
        "subsidy/samples/draw/",
        samples.sample_draw,
        {"kind": "subsidy"},
        name="subsidy_sample_draw",
    ),
    path(
        "subsidy/samples/<id:draw_id>/",
        samples.sample,
        {"kind": "subsidy"},
        name="subsidy_sample",
    ),
    path(
        "subsidy/samples/<id:draw_id>/applications/<id:sampled_id>/finding/",
        samples.sample_finding,
        {"kind": "subsidy"},
        name="subsidy_sample_finding",
    ),
    # --- issue 18: straw-burning fire cases, read-only ---
    path("burning/", burning.burning_cases, name="burning_cases"),
    path("burning/<int:fire_case_id>/", burning.burning_case, name="burning_case"),
    path("burning/rechecks/", burning.burning_rechecks, name="burning_rechecks"),
    path(
        "burning/rechecks/<int:recheck_draw_id>/", burning.burning_recheck, name="burning_recheck"
    ),
]
