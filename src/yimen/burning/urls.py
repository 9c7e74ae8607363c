"""Pages of straw-burning supervision, under /burning/."""

from django.urls import path

from . import (
    views_account,
    views_field,
    views_fires,
    views_inspections,
    views_reports,
    views_tree,
)

app_name = "burning"

urlpatterns = [
    path("", views_field.index, name="index"),
    path("mine/", views_field.mine, name="mine"),
    path("report/", views_field.report, name="report"),
    path("cases/", views_field.case_list, name="case_list"),
    path("cases/<int:fire_case_id>/", views_field.case_detail, name="case_detail"),
    path("cases/<int:fire_case_id>/arrive/", views_field.case_arrive_view, name="case_arrive"),
    path("cases/<int:fire_case_id>/verify/", views_field.case_verify_view, name="case_verify"),
    path("cases/<int:fire_case_id>/return/", views_field.case_return_view, name="case_return"),
    path("cases/<int:fire_case_id>/close/", views_field.case_close_view, name="case_close"),
    path("photos/<int:fire_photo_id>/", views_field.photo, name="photo"),
    path("fires/", views_fires.fires, name="fires"),
    path("map/", views_fires.map_page, name="map"),
    path("map/data/", views_fires.map_data, name="map_data"),
    path("units/", views_tree.units, name="units"),
    path("units/new/", views_tree.unit_new, name="unit_new"),
    path("units/<int:burning_unit_id>/", views_tree.unit, name="unit"),
    path("grids/import/", views_tree.grid_import, name="grid_import"),
    path("settings/", views_tree.settings_page, name="settings"),
    path("reports/", views_reports.reports_page, name="reports"),
    path("statistics/", views_reports.statistics, name="statistics"),
    path("accountability/", views_account.accountability, name="accountability"),
    path(
        "accountability/summons/<int:fire_summons_id>/report/",
        views_account.rectification,
        name="rectification",
    ),
    path("inspections/", views_inspections.inspections, name="inspections"),
    path("inspections/groups/new/", views_inspections.group_new, name="group_new"),
    path("inspections/groups/<int:inspection_group_id>/", views_inspections.group, name="group"),
    path(
        "inspections/groups/<int:inspection_group_id>/edit/",
        views_inspections.group_edit,
        name="group_edit",
    ),
    path("rechecks/", views_account.rechecks, name="rechecks"),
    path("rechecks/<int:recheck_draw_id>/", views_account.recheck, name="recheck"),
    path("rechecks/items/<int:recheck_item_id>/", views_account.recheck_item, name="recheck_item"),
]
