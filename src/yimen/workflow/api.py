"""The JSON API over cases and tasks. Thin: parse, call one selector or service, serialise.

Every read goes through the workflow selectors (scoped, fails closed); every change through
a workflow service. Errors come back as problem details (web/problems.py). The routes
are workflow/api_urls.py.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from yimen.audit.models import AuditEvent
from yimen.audit.selectors import events_for_subject
from yimen.web.ids import parse_id
from yimen.web.paging import Pages
from yimen.web.problems import QueryChecked, StrictSerializer

from . import selectors, services
from .errors import CaseNotFound, TaskNotFound
from .states import CaseStatus

ID_PATH = OpenApiParameter("case_id", int, OpenApiParameter.PATH)
TASK_PATH = OpenApiParameter("task_id", int, OpenApiParameter.PATH)


def case_pk(raw) -> int:
    """The case id of the URL, or the case's 404 problem (one case, one address)."""
    pk = parse_id(raw)
    if pk is None:
        raise CaseNotFound()
    return pk


def task_pk(raw) -> int:
    pk = parse_id(raw)
    if pk is None:
        raise TaskNotFound()
    return pk


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    case_number = serializers.CharField(source="case.number")
    case_title = serializers.CharField(source="case.title")
    step = serializers.CharField()
    stage = serializers.IntegerField()
    roles = serializers.ListField(child=serializers.CharField(), source="role_list")
    division_code = serializers.CharField(source="division_id")
    status = serializers.CharField()
    outcome = serializers.CharField()
    opened_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.SerializerMethodField()

    def get_overdue(self, task) -> bool:
        return task.is_overdue(timezone.now())


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    process = serializers.CharField()
    title = serializers.CharField()
    division_code = serializers.CharField(source="division_id")
    status = serializers.CharField()
    stage = serializers.IntegerField()
    flags = serializers.DictField()
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)


class CaseDetailSerializer(CaseSerializer):
    tasks = TaskSerializer(many=True, source="tasks.all")


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "occurred_at",
            "actor_name",
            "role",
            "division_code",
            "event_type",
            "old",
            "new",
            "reason",
            "signer_name",
            "hash",
        ]


class CompleteRequest(StrictSerializer):
    outcome = serializers.CharField(max_length=40, default="done")
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class FlagRequest(StrictSerializer):
    flag = serializers.CharField(max_length=40)
    value = serializers.BooleanField()
    reason = serializers.CharField(max_length=2000)


class WithdrawRequest(StrictSerializer):
    reason = serializers.CharField(max_length=2000)


class BatchRequest(StrictSerializer):
    process = serializers.CharField(max_length=40)
    step = serializers.CharField(max_length=40)
    outcome = serializers.CharField(max_length=40, default="done")
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    case_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        min_length=1,
        max_length=200_000,
    )


class BatchResultSerializer(serializers.Serializer):
    batch_id = serializers.CharField()
    decided = serializers.IntegerField()
    completed = serializers.IntegerField()
    advanced = serializers.IntegerField()
    closed = serializers.IntegerField()


class MyTasksView(QueryChecked, ListAPIView):
    """My open tasks, earliest deadline first."""

    serializer_class = TaskSerializer
    pagination_class = Pages

    def get_queryset(self):
        return selectors.my_tasks(self.request.user)


class CaseQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)


class CaseListView(QueryChecked, ListAPIView):
    """Cases in my area (or my own applications)."""

    serializer_class = CaseSerializer
    pagination_class = Pages
    query_serializer = CaseQuery

    def get_queryset(self):
        cases = selectors.cases_visible_to(self.request.user).order_by("-opened_at", "-id")
        if "status" in self.query:
            cases = cases.filter(status=self.query["status"])
        return cases


class CaseDetailView(QueryChecked, APIView):
    """One case with its tasks; 404 when absent or outside my area."""

    @extend_schema(parameters=[ID_PATH], responses=CaseDetailSerializer)
    def get(self, request, case_id):
        case = selectors.access_case_by_id(request.user, case_pk(case_id))
        return Response(CaseDetailSerializer(case).data)


class CaseTimelineView(QueryChecked, APIView):
    """The audit events of a case: who did what, when and why."""

    @extend_schema(parameters=[ID_PATH], responses=EventSerializer(many=True))
    def get(self, request, case_id):
        case = selectors.access_case_by_id(request.user, case_pk(case_id))
        events = events_for_subject((services.CASE_SUBJECT, str(case.pk)))
        return Response(EventSerializer(events, many=True).data)


class TaskCompleteView(QueryChecked, APIView):
    """Finish one of my tasks with an outcome."""

    @extend_schema(parameters=[TASK_PATH], request=CompleteRequest, responses=TaskSerializer)
    def post(self, request, task_id):
        data = CompleteRequest(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.task_complete(
            task_id=task_pk(task_id),
            actor=request.user,
            outcome=data.validated_data["outcome"],
            reason=data.validated_data["reason"],
        )
        return Response(TaskSerializer(task).data)


class CaseFlagView(QueryChecked, APIView):
    """Set a condition of a case, such as "disputed"."""

    @extend_schema(parameters=[ID_PATH], request=FlagRequest, responses=CaseSerializer)
    def post(self, request, case_id):
        # the case first: another division's case is a 404 whatever the body (never a 400)
        selectors.access_case_by_id(request.user, case_pk(case_id))
        data = FlagRequest(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_set_flag(
            case_id=case_pk(case_id), actor=request.user, **data.validated_data
        )
        return Response(CaseSerializer(case).data)


class CaseWithdrawView(QueryChecked, APIView):
    """Withdraw or terminate a case, with a reason."""

    @extend_schema(parameters=[ID_PATH], request=WithdrawRequest, responses=CaseSerializer)
    def post(self, request, case_id):
        # the case first: another division's case is a 404 whatever the body (never a 400)
        selectors.access_case_by_id(request.user, case_pk(case_id))
        data = WithdrawRequest(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_withdraw(
            case_id=case_pk(case_id), actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(CaseSerializer(case).data)


class BatchDecisionView(QueryChecked, APIView):
    """Decide one step for many cases at once; all or nothing."""

    @extend_schema(request=BatchRequest, responses=BatchResultSerializer)
    def post(self, request):
        data = BatchRequest(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        result = services.tasks_bulk_complete(
            process_code=v["process"],
            step_code=v["step"],
            case_ids=v["case_ids"],
            actor=request.user,
            outcome=v["outcome"],
            reason=v["reason"],
        )
        return Response(BatchResultSerializer(result).data)
