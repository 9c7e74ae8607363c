"""The straw-burning API (DRF, drf-spectacular), for the systems that talk to the service:
a provincial platform or a patrol/hotline system sends manual fire reports in and reads the
fire cases of its area; a field app records arrival and the on-site verification with its
photos.

Thin, as the pages: parse with a serializer, call one service, answer. Cases are read only
through ``selectors`` (outside one's area: 404, the same as absent); refusals are the
services' coded errors, answered as RFC 9457 problem details; lists are paged (limit and
offset, capped)."""

from __future__ import annotations

import copy
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from yimen.accounts.roles import Action
from yimen.errors import Invalid
from yimen.web.ids import parse_id
from yimen.web.paging import Pages
from yimen.web.problems import PROBLEM_SCHEMA, PROBLEM_TYPE, QueryChecked

from . import selectors
from .api_serializers import (
    CaseQuery,
    FireCaseDetailOut,
    FireCaseOut,
    FireFileIn,
    FireImportOut,
    ReportIn,
    ReportOut,
    VerificationIn,
    VerificationOut,
)
from .errors import NotInScope
from .models import Detection, FireCase
from .models.fires import OPEN_STATUSES
from .services.dispatch import PhotoIn, case_arrive, case_verify
from .services.fires import fire_report, fires_import, report_key
from .services.placing import area_of

TAG = ["burning"]
CASE_ID = OpenApiParameter("fire_case_id", int, OpenApiParameter.PATH)
A = Action


def parsed(serializer_class, request) -> dict:
    data = serializer_class(data=request.data)
    if not data.is_valid():
        raise Invalid(
            _("Some fields are not valid."),
            code="burning.invalid_input",
            fields={k: [str(m) for m in v] for k, v in data.errors.items()},
        )
    return dict(data.validated_data)


def case_for(request, raw, action: Action = A.BURNING_VIEW) -> FireCase:
    """The case of the URL if the user may do ``action`` on it; otherwise its 404 problem."""
    pk = parse_id(raw)
    if pk is None:
        raise NotInScope()
    return selectors.access_case(request.user, pk, action)


#: the detection days a filter can name: any day outside them matches nothing anyway, and a
#: year-1 or year-9999 bound would overflow when shifted to UTC
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


def _day_start(day) -> datetime:
    day = min(max(day, FIRST_DAY), LAST_DAY)
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


class CaseListView(QueryChecked, ListAPIView):
    """Fire cases of my area, newest first, filtered by state, county, township, detection
    days, overdue now, or routed to me."""

    serializer_class = FireCaseOut
    pagination_class = Pages
    query_serializer = CaseQuery

    def get_queryset(self):
        q, user, now = self.query, self.request.user, timezone.now()
        cases = selectors.cases_visible_to(user).select_related("unit", "responsible", "grid_head")
        if "status" in q:
            cases = cases.filter(status=q["status"])
        if "county" in q:
            cases = cases.filter(county_code=q["county"])
        if "township" in q:
            cases = cases.filter(township_code=q["township"])
        if q.get("overdue"):
            late = Q(arrived_at__isnull=True, arrive_due_at__lt=now) | Q(
                verified_at__isnull=True, verify_due_at__lt=now
            )
            cases = cases.filter(late, status__in=OPEN_STATUSES)
        if q.get("mine"):
            cases = cases.filter(Q(responsible=user) | Q(grid_head=user))
        if "detected_from" in q:
            cases = cases.filter(first_detected_at__gte=_day_start(q["detected_from"]))
        if "detected_to" in q:
            end = _day_start(q["detected_to"]) + timedelta(days=1)
            cases = cases.filter(first_detected_at__lt=end)
        return cases.order_by("-first_detected_at", "-pk")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(tags=TAG)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _detail(case: FireCase) -> dict:
    fresh = (
        FireCase.objects.select_related("unit", "responsible", "grid_head")
        .prefetch_related("detections", "escalations__unit", "verifications__photos")
        .get(pk=case.pk)
    )
    return FireCaseDetailOut(fresh, context={"now": timezone.now()}).data


class CaseDetailView(QueryChecked, APIView):
    """One fire case with its fire points, escalations and verifications."""

    @extend_schema(tags=TAG, parameters=[CASE_ID], responses=FireCaseDetailOut)
    def get(self, request, fire_case_id):
        return Response(_detail(case_for(request, fire_case_id)))


class ReportView(QueryChecked, APIView):
    """A fire seen on patrol or reported to the hotline, sent in by that system: placed in
    its grid and dispatched like a satellite point (201), or — sent again with the same
    ``reference`` — the fire point recorded the first time (200). A position outside the
    reporter's area answers 404."""

    refers_to_rows = True  # documents the 404

    @extend_schema(tags=TAG, request=ReportIn, responses={201: ReportOut, 200: ReportOut})
    def post(self, request):
        area = area_of(request.user, A.BURNING_REPORT)  # 403 before the body is read
        data = parsed(ReportIn, request)
        key = report_key(data["source"], area, data["reference"])
        replay = bool(key) and Detection.objects.filter(key=key).exists()
        detection = fire_report(actor=request.user, **data)
        case = None
        if detection.case_id is not None:
            case = selectors.cases_visible_to(request.user).filter(pk=detection.case_id).first()
        body = ReportOut(
            {"detection": detection, "case": case}, context={"now": timezone.now()}
        ).data
        return Response(body, status=200 if replay else 201)


class ArrivalView(QueryChecked, APIView):
    """The field person is on site: the on-site clock stops."""

    @extend_schema(tags=TAG, parameters=[CASE_ID], request=None, responses=FireCaseDetailOut)
    def post(self, request, fire_case_id):
        case = case_for(request, fire_case_id, A.BURNING_VERIFY)
        case_arrive(case=case, actor=request.user)
        return Response(_detail(case))


class VerificationView(QueryChecked, APIView):
    """What was found on site, with at least one photo (multipart form data): a photo's
    position comes from its EXIF data, else from the device's position sent with it; one
    far from the fire point (or with none) is flagged."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=TAG,
        parameters=[CASE_ID],
        request={"multipart/form-data": VerificationIn},
        responses={201: VerificationOut},
    )
    def post(self, request, fire_case_id):
        case = case_for(request, fire_case_id, A.BURNING_VERIFY)
        data = parsed(VerificationIn, request)
        lon, lat = data.pop("device_lon", None), data.pop("device_lat", None)
        photos = [PhotoIn(f.name, f.read(), lon, lat) for f in data.pop("photos")]
        verification = case_verify(case=case, actor=request.user, photos=photos, **data)
        return Response(VerificationOut(verification).data, status=201)


ROW_PROBLEM = inline_serializer(
    "FireFileRefused",
    fields={
        **copy.deepcopy(type(PROBLEM_SCHEMA)._declared_fields),
        "rows": serializers.ListField(
            child=inline_serializer(
                "RefusedRow",
                fields={
                    "row": serializers.IntegerField(help_text="as a spreadsheet numbers it"),
                    "detail_zh": serializers.CharField(),
                    "detail_en": serializers.CharField(),
                },
            ),
            required=False,
            help_text="every refused row of the file (burning.import_refused)",
        ),
    },
)


class FireFileView(QueryChecked, APIView):
    """A satellite file — NASA FIRMS VIIRS or MODIS CSV, or the provincial bulletin (CSV or
    Excel) — imported as on the fire-points page: checked as a whole (any bad row refuses
    the file, every bad row listed with its number in Chinese and English, nothing
    written), placed in the grids of the sender's area and dispatched. Rows imported before
    are skipped: sending the same file again answers 200 with nothing new; a file with new
    fire points answers 201."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=TAG,
        request={"multipart/form-data": FireFileIn},
        responses={
            201: FireImportOut,
            200: FireImportOut,
            (400, PROBLEM_TYPE): OpenApiResponse(
                ROW_PROBLEM,
                description="The file or a field is refused (a bad row, an unreadable file, "
                "a file of another feed than declared); nothing was written.",
            ),
        },
    )
    def post(self, request):
        area_of(request.user, A.BURNING_IMPORT)  # 403 before the file is read
        data = parsed(FireFileIn, request)
        upload = data["file"]
        record = fires_import(
            data=upload.read(), filename=upload.name, actor=request.user, source=data["format"]
        )
        return Response(FireImportOut(record).data, status=201 if record.new else 200)
