"""Pages of the straw-to-meat subsidy, under /subsidy/."""

from django.urls import path

from . import views, views_after, views_application

app_name = "subsidy"

urlpatterns = [
    path("", views.index, name="index"),
    path("schemes/<int:subsidy_scheme_id>/", views.scheme, name="scheme"),
    path("units/", views.units, name="units"),
    path("units/<int:subsidy_survey_id>/vet/", views.vet, name="vet"),
    path("applications/", views.applications, name="applications"),
    path("applications/new/", views.application_new, name="application_new"),
    path(
        "applications/<int:subsidy_application_id>/",
        views_application.application,
        name="application",
    ),
    path(
        "applications/<int:subsidy_application_id>/items/",
        views_application.item_add,
        name="item_add",
    ),
    path(
        "applications/<int:subsidy_application_id>/items/<int:subsidy_item_id>/remove/",
        views_application.item_remove,
        name="item_remove",
    ),
    path(
        "applications/<int:subsidy_application_id>/submit/", views_application.submit, name="submit"
    ),
    path(
        "applications/<int:subsidy_application_id>/photos/", views_application.photo, name="photo"
    ),
    path(
        "applications/<int:subsidy_application_id>/inspect/",
        views_application.inspect,
        name="inspect",
    ),
    path(
        "applications/<int:subsidy_application_id>/decide/", views_application.decide, name="decide"
    ),
    path(
        "applications/<int:subsidy_application_id>.pdf",
        views_application.application_file,
        name="application_pdf",
    ),
    path(
        "review-requests/<int:subsidy_request_id>/answer/",
        views_after.review_answer,
        name="review_answer",
    ),
    path("mine/", views.mine, name="mine"),
    path("disclosure/", views_after.disclosure, name="disclosure"),
    path("public/", views_after.public, name="public"),
    path("payments/", views_after.payments, name="payments"),
    path("payments/<int:subsidy_batch_id>/", views_after.batch, name="batch"),
    path(
        "payments/<int:subsidy_batch_id>/bank.<str:kind>", views_after.batch_file, name="batch_file"
    ),
    path("progress/", views_after.progress, name="progress"),
    path("county/", views_after.county, name="county"),
]
