"""The roster API, under ``api/benefits/`` (before the ``api/`` catch-all)."""

from django.urls import path

from . import api, api_returns

H = "households/<str:beneficiary_id>/"

urlpatterns = [
    path("households/", api.HouseholdListView.as_view(), name="api-benefits-households"),
    path(H, api.HouseholdDetailView.as_view(), name="api-benefits-household"),
    path(H + "changes/", api.ChangeView.as_view(), name="api-benefits-change"),
    path(H + "adjustments/", api.AdjustmentView.as_view(), name="api-benefits-adjustment"),
    path(
        "reviews/<str:review_id>/decision/",
        api.ReviewDecisionView.as_view(),
        name="api-benefits-review-decision",
    ),
    path("rolls/", api.RollListView.as_view(), name="api-benefits-rolls"),
    path("returns/", api_returns.ReturnListView.as_view(), name="api-benefits-returns"),
]
