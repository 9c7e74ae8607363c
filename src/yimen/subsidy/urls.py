"""Pages of the straw-to-meat subsidy, under /subsidy/."""

from django.urls import path

from . import views, views_after, views_application, views_returns

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
    # issue 22 item 3: payments the bank sent back, the unit's corrected card
    path(
        "payments/<int:subsidy_batch_id>/returns/",
        views_returns.batch_returns,
        name="batch_returns",
    ),
    path(
        "payments/<int:subsidy_batch_id>/returns/import/",
        views_returns.returns_upload,
        name="returns_upload",
    ),
    path("units/<int:subsidy_unit_id>/card/", views_returns.card_correct, name="card_correct"),
    path(
        "schemes/<int:subsidy_scheme_id>/return-layouts/",
        views_returns.return_layouts,
        name="return_layouts",
    ),
    path("progress/", views_after.progress, name="progress"),
    path("county/", views_after.county, name="county"),
]
