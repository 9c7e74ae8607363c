"""The JSON API of the roster, dynamic management and payment rolls.

Thin: parse with a serializer, call one service, answer. Households are read only through
``roster.beneficiary_for`` / ``roster_search`` (outside one's area: 404); refusals are the
services' yimen.errors, answered as RFC 9457 problem details by the project's handler."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from yimen.accounts.roles import Action
from yimen.accounts.scoping import division_q
from yimen.assistance.choices import AssistanceType
from yimen.errors import Invalid, NotFound
from yimen.months import parse_month
from yimen.web.ids import parse_id
from yimen.web.paging import Pages
from yimen.web.problems import QueryChecked, StrictSerializer

from .models import (
    Beneficiary,
    BeneficiaryStatus,
    ChangeKind,
    Entitlement,
    PaymentRoll,
    Review,
    ReviewOutcome,
)
from .services import payments, reviews, roster

TAG = ["benefits"]
MONEY = {"max_digits": 12, "decimal_places": 2}


class EntitlementOut(serializers.ModelSerializer):
    class Meta:
        model = Entitlement
        fields = ["effective_month", "status", "monthly_amount", "reason", "review"]


class HouseholdOut(serializers.ModelSerializer):
    division_name = serializers.CharField(source="division.name")

    class Meta:
        model = Beneficiary
        fields = [
            "id",
            "application",
            "division",
            "division_name",
            "assistance_type",
            "head_name",
            "head_id_number",
            "members",
            "start_month",
            "stability",
            "next_review_on",
            "status",
            "payee_name",
            "bank_name",
            "account_number",
        ]


class HouseholdDetailOut(HouseholdOut):
    entitlements = EntitlementOut(many=True)

    class Meta(HouseholdOut.Meta):
        fields = [*HouseholdOut.Meta.fields, "entitlements"]


class ReviewOut(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = [
            "id",
            "beneficiary",
            "case",
            "trigger",
            "change_kind",
            "report",
            "occurred_on",
            "due_on",
            "outcome",
            "new_amount",
            "phase_out_months",
            "reasons",
            "effective_month",
        ]


class RollOut(serializers.ModelSerializer):
    class Meta:
        model = PaymentRoll
        fields = ["id", "division", "month", "households", "total_amount", "issued_at", "digest"]


class ChangeIn(StrictSerializer):
    kind = serializers.ChoiceField(choices=ChangeKind.choices)
    report = serializers.CharField(max_length=2000)
    occurred_on = serializers.DateField()


@extend_schema_serializer(component_name="ReviewDecisionIn")  # not assistance's DecisionIn
class DecisionIn(StrictSerializer):
    outcome = serializers.ChoiceField(choices=ReviewOutcome.choices)
    reasons = serializers.CharField(max_length=2000)
    new_amount = serializers.DecimalField(required=False, allow_null=True, **MONEY)
    phase_out_months = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=24
    )


class RollIn(StrictSerializer):
    township = serializers.RegexField(r"^[0-9]{12}$", help_text="12-digit division code")
    month = serializers.RegexField(  # what months.parse_month reads: 2000-01 to 2100-12
        r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$", max_length=7, help_text="YYYY-MM"
    )


class AdjustmentIn(StrictSerializer):
    amount = serializers.DecimalField(**MONEY)
    reason = serializers.CharField(max_length=2000)


def parsed(serializer_class, request) -> dict:
    data = serializer_class(data=request.data)
    if not data.is_valid():
        raise Invalid(
            "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in data.errors.items()),
            code="benefits.invalid_input",
        )
    return dict(data.validated_data)


def household_for(request, raw) -> Beneficiary:
    pk = parse_id(raw)
    if pk is None:
        raise NotFound(_("No such household on the roster."), code="benefits.not_found")
    return roster.beneficiary_for(request.user, pk)


class HouseholdQuery(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=50, help_text="name, ID number or pinyin"
    )
    status = serializers.ChoiceField(choices=BeneficiaryStatus.choices, required=False)
    kind = serializers.ChoiceField(choices=AssistanceType.choices, required=False)


class HouseholdListView(QueryChecked, ListAPIView):
    """Households on assistance in my area; search by name, ID number or pinyin initials."""

    serializer_class = HouseholdOut
    pagination_class = Pages
    query_serializer = HouseholdQuery

    def get_queryset(self):
        return roster.roster_search(
            self.request.user,
            self.query.get("q", ""),
            status=self.query.get("status", ""),
            kind=self.query.get("kind", ""),
        )

    @extend_schema(tags=TAG)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class HouseholdDetailView(QueryChecked, APIView):
    @extend_schema(tags=TAG, responses=HouseholdDetailOut)
    def get(self, request, beneficiary_id):
        return Response(HouseholdDetailOut(household_for(request, beneficiary_id)).data)


class ChangeView(QueryChecked, APIView):
    """Report a change in the household: a review opens at once (or the open one grows)."""

    @extend_schema(tags=TAG, request=ChangeIn, responses={201: ReviewOut})
    def post(self, request, beneficiary_id):
        household = household_for(request, beneficiary_id)
        data = parsed(ChangeIn, request)
        review = reviews.change_report(
            actor=request.user, change=reviews.ChangeReport(household.pk, **data)
        )
        return Response(ReviewOut(review).data, status=201)


class AdjustmentView(QueryChecked, APIView):
    """A correction paid (or recovered) in the next roll."""

    @extend_schema(tags=TAG, request=AdjustmentIn, responses={201: None})
    def post(self, request, beneficiary_id):
        household = household_for(request, beneficiary_id)
        data = parsed(AdjustmentIn, request)
        adjustment = payments.adjustment_add(
            actor=request.user, beneficiary_id=household.pk, **data
        )
        return Response({"id": adjustment.pk, "amount": str(adjustment.amount)}, status=201)


class ReviewDecisionView(QueryChecked, APIView):
    """The township approver's signed outcome of a review (effective next month)."""

    @extend_schema(tags=TAG, request=DecisionIn, responses=ReviewOut)
    def post(self, request, review_id):
        pk = parse_id(review_id)
        if pk is None:
            raise NotFound(_("No such review."), code="benefits.not_found")
        # another township's review does not exist for the caller, whatever the body says:
        # looked up before the body is read, so a 400 never tells that the id is in use
        visible = division_q(request.user, Action.ROSTER_VIEW, "beneficiary__division__code")
        if not Review.objects.filter(visible, pk=pk).exists():
            raise NotFound(_("No such review."), code="benefits.not_found")
        data = parsed(DecisionIn, request)
        review = reviews.review_decide(
            actor=request.user, decision=reviews.ReviewDecision(review_id=pk, **data)
        )
        return Response(ReviewOut(review).data)


class RollListView(QueryChecked, ListAPIView):
    """Issued payment rolls in my area, newest first; POST issues one (approver)."""

    serializer_class = RollOut
    pagination_class = Pages

    def get_queryset(self):
        return PaymentRoll.objects.filter(
            division_q(self.request.user, Action.ROSTER_VIEW)
        ).order_by("-month", "division_id")

    @extend_schema(tags=TAG)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=TAG, request=RollIn, responses={201: RollOut})
    def post(self, request):
        data = parsed(RollIn, request)
        month = parse_month(data["month"])
        if month is None:
            raise Invalid(_("Choose a month."), code="benefits.invalid_input")
        roll = payments.roll_issue(actor=request.user, township_code=data["township"], month=month)
        return Response(RollOut(roll).data, status=201)
