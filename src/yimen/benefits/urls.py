"""Roster, dynamic management and payment pages, under ``benefits/`` (namespace benefits)."""

from django.urls import path

import yimen.web.ids  # noqa: F401  (registers the <id:…> converter)

from . import views, views_enrolment, views_recalc
from . import views_payments as pay
from . import views_returns as ret

app_name = "benefits"
urlpatterns = [
    path("", views.roster_page, name="roster"),
    path("households/<id:beneficiary_id>/", views.household_page, name="household"),
    path("households/<id:beneficiary_id>/change/", views.change_report, name="change"),
    path("households/<id:beneficiary_id>/account/", views.account, name="account"),
    path("households/<id:beneficiary_id>/adjustment/", views.adjustment, name="adjustment"),
    path("reviews/<id:review_id>/decide/", views.review_decide, name="review_decide"),
    path("reviews/<id:review_id>/notice.pdf", views.review_notice, name="review_notice"),
    # assistance's steps whose use case reaches the roster (services/enrolment.py)
    path(
        "applications/<id:application_id>/disclosure/",
        views_enrolment.disclosure,
        name="disclosure",
    ),
    path("objections/<id:objection_id>/", views_enrolment.objection_page, name="objection"),
    path("recalc/", views_recalc.recalc_page, name="recalc"),
    path("rolls/", pay.rolls_page, name="rolls"),
    path("rolls/issue/", pay.roll_issue, name="roll_issue"),
    path("rolls/<id:roll_id>/", pay.roll_page, name="roll"),
    path("rolls/<id:roll_id>/file.<str:kind>", pay.roll_file, name="roll_file"),
    # payments the bank sent back (issue 22)
    path("returns/", ret.returns_page, name="returns"),
    path("returns/import/", ret.returns_upload, name="returns_upload"),
    path("returns/files/<id:return_batch_id>/", ret.return_batch_page, name="return_batch"),
    path("returns/layouts/", ret.return_layouts_page, name="return_layouts"),
    path(
        "households/<id:beneficiary_id>/returned-account/",
        ret.return_correct,
        name="return_correct",
    ),
]
