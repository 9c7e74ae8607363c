"""The site's URLs: pages, the API and its schema and docs (served from our own files)."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    # the case and task pages, under the namespace they had in web/ (web:case_detail, ...)
    path("", include("yimen.workflow.urls", namespace="web")),
    path("accounts/", include("yimen.accounts.urls")),
    path("assistance/cycles/", include("yimen.assistance.cycles_urls")),
    path("assistance/overview/", include("yimen.assistance.overview_urls")),
    path("assistance/settings/", include("yimen.assistance.settings_urls")),
    path("assistance/", include("yimen.assistance.urls")),
    path("public/self-check/", include("yimen.assistance.selfcheck_urls")),
    path("public/", include("yimen.assistance.public_urls")),
    path("county/", include("yimen.supervision.urls")),
    path("benefits/", include("yimen.benefits.urls")),
    path("medins/", include("yimen.medins.urls")),
    path("settlement/", include("yimen.settlement.urls")),
    path("verification/", include("yimen.verification.urls")),
    # --- issue 19: safety exams ---
    path("exams/", include("yimen.exams.urls")),
    path("inbox/", include("yimen.notify.urls")),
    # --- end issue 19 ---
    # --- issue 17: straw-to-meat subsidy ---
    path("subsidy/", include("yimen.subsidy.urls")),
    # --- end issue 17 ---
    # --- issue 18: straw-burning supervision ---
    path("burning/", include("yimen.burning.urls")),
    # --- end issue 18 ---
    # --- issue 22 item 2: complaints and re-examination ---
    path("complaints/", include("yimen.complaints.urls")),
    # --- end issue 22 item 2 ---
    # --- issue 23: personal data protection ---
    path("privacy/", include("yimen.privacy.urls")),
    # --- end issue 23 ---
    # --- issue 22 item 4: moving in from the old system ---
    path("moving-in/", include("yimen.rostermove.urls")),
    # --- end issue 22 item 4 ---
    # the national hospital-system interface (medins-protocol.md), plain-JSON mode
    path("fsi/api/rsfComIfsService/", include("yimen.settlement.fsi_urls")),
    path("jobs/", include("yimen.jobs.urls")),  # issue 24: background jobs
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # specific API prefixes first: web.api_urls ends with a problem-JSON catch-all
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/divisions/", include("yimen.regions.api_urls")),
    # the disclosure step enrols the household on the roster: benefits' code, same path
    path("api/assistance/", include("yimen.benefits.enrolment_api_urls")),
    path("api/assistance/", include("yimen.assistance.api_urls")),
    path("api/benefits/", include("yimen.benefits.api_urls")),
    path("api/medins/", include("yimen.medins.api_urls")),
    path("api/settlement/", include("yimen.settlement.api_urls")),
    path("api/burning/", include("yimen.burning.api_urls")),  # issue 18
    path("api/", include("yimen.workflow.api_urls")),  # cases and tasks
    path("api/", include("yimen.web.api_urls")),  # me, tokens, then the catch-all
]
