"""The JSON API of social assistance: one-door applications and every step of the case.

Thin: parse, call one selector or service, serialise. Applications are read only through
``access_application_by_id`` / ``applications_visible_to`` (outside one's area: 404). The
services raise yimen.errors, which the project's handler answers as problem details."""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers as drf_serializers
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from yimen.errors import NotFound
from yimen.web.ids import parse_id
from yimen.web.paging import Pages
from yimen.web.problems import QueryChecked

from . import notices, serializers
from .errors import ApplicationInvalid, ApplicationNotFound
from .models import Application, ApplicationStatus, Decision
from .selectors import access_application_by_id, applications_visible_to
from .services import intake, steps

TAG = ["assistance"]
ID_PATH = OpenApiParameter("application_id", int, OpenApiParameter.PATH)
DETAIL = serializers.ApplicationDetailOut


def application_for(request, raw) -> Application:
    """The application of the URL if the user may see it; otherwise its 404 problem."""
    pk = parse_id(raw)
    if pk is None:
        raise ApplicationNotFound()
    return access_application_by_id(request.user, pk)


def detail(request, application: Application) -> dict:
    """The application as it is now (re-read after a step changed it)."""
    return DETAIL(access_application_by_id(request.user, application.pk)).data


def parsed(serializer_class, request):
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


class ApplicationQuery(drf_serializers.Serializer):
    status = drf_serializers.ChoiceField(choices=ApplicationStatus.choices, required=False)


class ApplicationListView(QueryChecked, ListAPIView):
    """Applications in my area (drafts included), newest first; file a new one."""

    serializer_class = serializers.ApplicationOut
    pagination_class = Pages
    query_serializer = ApplicationQuery

    def get_queryset(self):
        applications = (
            applications_visible_to(self.request.user)
            .prefetch_related("members")
            .order_by("-created_at", "-id")
        )
        if "status" in self.query:
            applications = applications.filter(status=self.query["status"])
        return applications

    @extend_schema(tags=TAG)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAG,
        request=serializers.ApplicationIn,
        responses={201: DETAIL},
        description="Validated as a whole: an invalid application answers 400 "
        "with `errors` keyed by item (`members[1].id_number`) and "
        "nothing is written. A caseworker's entry opens a case at once; "
        "a village's discovery report (channel `discovery`) is a draft.",
    )
    def post(self, request):
        data = serializers.ApplicationIn(data=request.data)
        if not data.is_valid():
            raise ApplicationInvalid(serializers.flatten_errors(data.errors))
        application = intake.application_create(actor=request.user, data=data.to_input())
        return Response(detail(request, application), status=201)


class ApplicationDetailView(QueryChecked, APIView):
    """One application with its household, materials, step records and tasks."""

    @extend_schema(tags=TAG, parameters=[ID_PATH], responses=DETAIL)
    def get(self, request, application_id):
        return Response(DETAIL(application_for(request, application_id)).data)


class SubmitView(QueryChecked, APIView):
    """Submit a draft (a discovery report) to the township: the case opens."""

    @extend_schema(tags=TAG, parameters=[ID_PATH], request=None, responses=DETAIL)
    def post(self, request, application_id):
        application = application_for(request, application_id)
        intake.application_submit(actor=request.user, application=application)
        return Response(detail(request, application))


class DiscardView(QueryChecked, APIView):
    """Discard a draft the township will not pursue, with the reason."""

    @extend_schema(tags=TAG, parameters=[ID_PATH], request=serializers.ReasonIn, responses=DETAIL)
    def post(self, request, application_id):
        application = application_for(request, application_id)
        data = parsed(serializers.ReasonIn, request)
        intake.application_discard(actor=request.user, application=application, **data)
        return Response(detail(request, application))


class AcceptView(QueryChecked, APIView):
    """Accept the application, or issue one notice listing every missing item."""

    @extend_schema(tags=TAG, parameters=[ID_PATH], request=None, responses=serializers.AcceptOut)
    def post(self, request, application_id):
        application = application_for(request, application_id)
        missing = steps.case_accept(actor=request.user, application=application)
        return Response({"missing_items": missing, "application": detail(request, application)})


class StepView(QueryChecked, APIView):
    """POST a step's record: the step's service checks it, records it and completes the
    step's task (thin: parse, call one service, answer with the application)."""

    record_serializer: type | None = None

    @staticmethod
    def record(*, actor, application, **data):
        raise NotImplementedError

    def post(self, request, application_id):
        application = application_for(request, application_id)
        data = parsed(self.record_serializer, request) if self.record_serializer else {}
        self.record(actor=request.user, application=application, **data)
        return Response(detail(request, application))


def step_schema(record_serializer):
    return extend_schema_view(
        post=extend_schema(
            tags=TAG, parameters=[ID_PATH], request=record_serializer, responses=DETAIL
        )
    )


@step_schema(serializers.VerificationIn)
class VerificationView(StepView):
    """Record the economic verification's result (a contradiction marks it disputed)."""

    record_serializer = serializers.VerificationIn
    record = staticmethod(steps.verification_record)


@step_schema(serializers.VisitIn)
class VisitView(StepView):
    """Record the household visit (two or more investigators, signed)."""

    record_serializer = serializers.VisitIn
    record = staticmethod(steps.visit_record)


@step_schema(serializers.ReasonIn)
class DisputeView(StepView):
    """Mark the case disputed, so democratic appraisal runs."""

    record_serializer = serializers.ReasonIn
    record = staticmethod(steps.case_dispute)


@step_schema(serializers.AppraisalIn)
class AppraisalView(StepView):
    """Record the village's democratic appraisal meeting."""

    record_serializer = serializers.AppraisalIn
    record = staticmethod(steps.appraisal_record)


@step_schema(serializers.DecisionIn)
class DecisionView(StepView):
    """Approve (type and monthly amount) or refuse (reasons), signed by the approver."""

    record_serializer = serializers.DecisionIn
    record = staticmethod(steps.case_decide)


class AttachmentView(QueryChecked, APIView):
    """Attach a scan or photo (JPEG, PNG or PDF) as multipart form data."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=TAG,
        parameters=[ID_PATH],
        request={"multipart/form-data": serializers.AttachmentIn},
        responses={201: serializers.AttachmentOut},
    )
    def post(self, request, application_id):
        application = application_for(request, application_id)
        data = parsed(serializers.AttachmentIn, request)
        attachment = intake.attachment_add(
            actor=request.user, application=application, kind=data["kind"], upload=data["file"]
        )
        return Response(serializers.AttachmentOut(attachment).data, status=201)


class PdfRenderer(BaseRenderer):
    """Lets a client ask for ``application/pdf``; errors still answer as problem JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False).encode()


class NoticePdfView(QueryChecked, APIView):
    """The confirmation or refusal notice as PDF, once the case is decided."""

    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(
        tags=TAG,
        operation_id="assistance_applications_notice_pdf",
        parameters=[ID_PATH],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The notice (PDF)"
            )
        },
    )
    def get(self, request, application_id):
        application = application_for(request, application_id)
        decision = Decision.objects.filter(application=application).first()
        if decision is None:
            raise NotFound(
                _("The case is not decided yet, so there is no notice."),
                code="assistance.no_notice",
            )
        response = HttpResponse(
            notices.notice_pdf(application, decision), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'inline; filename="notice-{application.case.number}.pdf"'
        return response
