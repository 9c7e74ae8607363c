"""API shapes of social assistance: requests parsed into the services' plain inputs, and
the application with its household and step records as answers. No rules here: the
services decide what is allowed."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from yimen.spreadsheets import refuse_formula_text
from yimen.web.problems import StrictSerializer
from yimen.workflow.api import TaskSerializer
from yimen.workflow.states import TaskStatus

from .choices import (
    AssetKind,
    AssistanceType,
    AttachmentKind,
    Channel,
    ConsentKind,
    DisabilityKind,
    HukouType,
    IncomeCategory,
    PaymentAccountKind,
    Relationship,
    VehicleKind,
    WorkAbility,
)
from .inputs import ApplicationInput, AssetInput, IncomeInput, MemberInput
from .models import (
    Application,
    Appraisal,
    Asset,
    Attachment,
    Consent,
    Decision,
    HouseholdVisit,
    Income,
    Member,
    MissingItemsNotice,
    VerificationRecord,
)
from .services import intake

MAX_ID = 2**62


def money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kwargs)


def _enum_field(choices, name: str) -> type[serializers.ChoiceField]:
    """A choice field documented as its own enum component: several models have a "kind"
    with different choices, and drf-spectacular would otherwise name them by hash."""

    def __init__(self, **kwargs):
        serializers.ChoiceField.__init__(self, choices.choices, **kwargs)

    field = type(f"{name}Field", (serializers.ChoiceField,), {"__init__": __init__})
    schema = {"type": "string", "enum": list(choices.values)}
    return extend_schema_field(schema, component_name=name)(field)


AssetKindField = _enum_field(AssetKind, "AssetKindEnum")
AttachmentKindField = _enum_field(AttachmentKind, "AttachmentKindEnum")
ConsentKindField = _enum_field(ConsentKind, "ConsentKindEnum")


# --- requests ----------------------------------------------------------------------------


class IncomeIn(StrictSerializer):
    category = serializers.ChoiceField(IncomeCategory.choices)
    monthly_amount = money()
    note = serializers.CharField(max_length=200, allow_blank=True, default="")


class MemberIn(StrictSerializer):
    name = serializers.CharField(max_length=50, allow_blank=True, validators=[refuse_formula_text])
    id_number = serializers.CharField(
        max_length=40, allow_blank=True, help_text="居民身份证号, 18 characters"
    )
    relationship = serializers.ChoiceField(Relationship.choices)
    disability_kind = serializers.ChoiceField(DisabilityKind.choices, allow_blank=True, default="")
    disability_grade = serializers.IntegerField(
        min_value=1, max_value=4, allow_null=True, default=None
    )
    serious_illness = serializers.BooleanField(default=False)
    work_ability = serializers.ChoiceField(WorkAbility.choices, default=WorkAbility.FULL)
    student = serializers.BooleanField(default=False)
    tekun_as_minor = serializers.BooleanField(default=False)
    living_apart = serializers.BooleanField(default=False)
    incomes = IncomeIn(many=True, required=False, max_length=20)
    promise_signed_on = serializers.DateField(allow_null=True, default=None)
    authorisation_signed_on = serializers.DateField(allow_null=True, default=None)


class AssetIn(StrictSerializer):
    kind = AssetKindField()
    value = money(default=Decimal("0"))
    quantity = serializers.IntegerField(min_value=1, max_value=1000, default=1)
    vehicle_kind = serializers.ChoiceField(VehicleKind.choices, allow_blank=True, default="")
    note = serializers.CharField(max_length=200, allow_blank=True, default="")


class ApplicationIn(StrictSerializer):
    division_code = serializers.CharField(
        max_length=12, allow_blank=True, help_text="12-digit code of the village or community"
    )
    address = serializers.CharField(max_length=200, allow_blank=True)
    hukou_type = serializers.ChoiceField(HukouType.choices)
    assistance_type = serializers.ChoiceField(AssistanceType.choices)
    channel = serializers.ChoiceField(Channel.choices)
    members = MemberIn(many=True, max_length=30)
    assets = AssetIn(many=True, required=False, max_length=100)
    entrusted_name = serializers.CharField(
        max_length=50, allow_blank=True, default="", validators=[refuse_formula_text]
    )
    entrusted_id_number = serializers.CharField(max_length=40, allow_blank=True, default="")
    entrusted_relation = serializers.CharField(max_length=50, allow_blank=True, default="")
    discovery_note = serializers.CharField(max_length=2000, allow_blank=True, default="")
    relative_of_staff = serializers.BooleanField(default=False)
    relative_note = serializers.CharField(max_length=200, allow_blank=True, default="")
    has_able_supporter = serializers.BooleanField(
        allow_null=True,
        default=None,
        help_text=(
            "特困: the caseworker's finding that a legal supporter can support [TK2021 Art.8]; "
            "null = computed from the supporters recorded"
        ),
    )
    supporter_note = serializers.CharField(max_length=200, allow_blank=True, default="")
    hardship_tier = serializers.CharField(
        max_length=50,
        allow_blank=True,
        default="",
        help_text="分档: a tier code of the parameter set in force; blank = 补差",
    )
    phone = serializers.CharField(
        max_length=30, allow_blank=True, default="", help_text="mobile or landline with area code"
    )
    reason = serializers.CharField(max_length=2000, allow_blank=True, default="")
    payment_account_kind = serializers.ChoiceField(
        [("", "—"), *PaymentAccountKind.choices], allow_blank=True, default=""
    )
    payment_bank = serializers.CharField(max_length=100, allow_blank=True, default="")
    payment_account = serializers.CharField(
        max_length=40,
        allow_blank=True,
        default="",
        help_text="bank card (16–19 digits, Luhn) or 一卡通 account (8–32 digits)",
    )

    def to_input(self) -> ApplicationInput:
        """The validated data as the intake service's input."""
        v = dict(self.validated_data)
        members = [
            MemberInput(**{**m, "incomes": [IncomeInput(**i) for i in m.get("incomes", [])]})
            for m in v.pop("members")
        ]
        assets = [AssetInput(**a) for a in v.pop("assets", [])]
        return ApplicationInput(members=members, assets=assets, **v)


def _key(prefix: str, key) -> str:
    if isinstance(key, int):  # ListField and ListSerializer key their items' errors by index
        return f"{prefix}[{key}]"
    if key == "non_field_errors":
        return prefix or key
    return f"{prefix}.{key}" if prefix else str(key)


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors keyed like the service's: ``members[1].incomes[0].category``."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, list) and all(isinstance(x, str | ErrorDetail) for x in detail):
        return {prefix or "non_field_errors": [str(x) for x in detail]}
    if isinstance(detail, list):
        detail = dict(enumerate(detail))
    if not isinstance(detail, dict):
        return {prefix or "non_field_errors": [str(detail)]}
    for key, value in detail.items():
        if value:
            for k, v in flatten_errors(value, _key(prefix, key)).items():
                out.setdefault(k, []).extend(v)
    return out


class VerificationIn(StrictSerializer):
    verified_monthly_income = money()
    verified_deposits = money()
    contradicts_declaration = serializers.BooleanField()
    findings = serializers.CharField(max_length=2000)


class VisitIn(StrictSerializer):
    visited_on = serializers.DateField()
    investigator_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=20,
        help_text="User ids of the investigators (at least two), the recorder among them",
    )
    organisation = serializers.CharField(max_length=100, allow_blank=True, default="")
    findings = serializers.CharField(max_length=2000)
    investigators_signed = serializers.BooleanField()
    family_signed = serializers.BooleanField()


class ReasonIn(StrictSerializer):
    reason = serializers.CharField(max_length=2000)


class AppraisalIn(StrictSerializer):
    held_on = serializers.DateField()
    participants = serializers.IntegerField(min_value=0, max_value=100000)
    votes_for = serializers.IntegerField(min_value=0, max_value=100000)
    votes_against = serializers.IntegerField(min_value=0, max_value=100000)
    abstentions = serializers.IntegerField(min_value=0, max_value=100000, default=0)
    opinion = serializers.CharField(max_length=2000)


class DecisionIn(StrictSerializer):
    approve = serializers.BooleanField()
    assistance_type = serializers.ChoiceField(AssistanceType.choices, allow_blank=True, default="")
    monthly_amount = money(allow_null=True, default=None)
    reasons = serializers.CharField(max_length=2000, allow_blank=True, default="")


class AttachmentIn(StrictSerializer):
    kind = AttachmentKindField()
    file = serializers.FileField(help_text="JPEG, PNG or PDF")


# --- answers -----------------------------------------------------------------------------


class IncomeOut(serializers.ModelSerializer):
    counted = serializers.BooleanField(read_only=True)

    class Meta:
        model = Income
        fields = ["category", "monthly_amount", "note", "counted"]


class ConsentOut(serializers.ModelSerializer):
    kind = ConsentKindField(read_only=True)

    class Meta:
        model = Consent
        fields = ["kind", "signed_on"]


class MemberOut(serializers.ModelSerializer):
    incomes = IncomeOut(many=True, read_only=True)
    consents = ConsentOut(many=True, read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "name",
            "id_number",
            "relationship",
            "birth_date",
            "sex",
            "disability_kind",
            "disability_grade",
            "serious_illness",
            "work_ability",
            "student",
            "tekun_as_minor",
            "living_apart",
            "incomes",
            "consents",
        ]


class AssetOut(serializers.ModelSerializer):
    kind = AssetKindField(read_only=True)

    class Meta:
        model = Asset
        fields = ["kind", "value", "quantity", "vehicle_kind", "note"]


class AttachmentOut(serializers.ModelSerializer):
    kind = AttachmentKindField(read_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.get_full_name", read_only=True)

    class Meta:
        model = Attachment
        fields = ["id", "kind", "content_type", "size", "uploaded_by", "uploaded_at"]


class NoticeOut(serializers.ModelSerializer):
    items = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = MissingItemsNotice
        fields = ["items", "issued_at", "resolved_at"]


class VerificationOut(serializers.ModelSerializer):
    class Meta:
        model = VerificationRecord
        fields = [
            "verified_monthly_income",
            "verified_deposits",
            "contradicts_declaration",
            "findings",
            "source",
            "recorded_at",
        ]


class VisitOut(serializers.ModelSerializer):
    investigators = serializers.SerializerMethodField()

    class Meta:
        model = HouseholdVisit
        fields = ["visited_on", "investigators", "organisation", "findings", "recorded_at"]

    def get_investigators(self, visit) -> list[str]:
        return [u.get_full_name() for u in visit.investigators.all()]


class AppraisalOut(serializers.ModelSerializer):
    class Meta:
        model = Appraisal
        fields = ["held_on", "participants", "votes_for", "votes_against", "abstentions", "opinion"]


class DecisionOut(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = [
            "approved",
            "assistance_type",
            "monthly_amount",
            "reasons",
            "signer_name",
            "decided_at",
            "notice_due",
        ]


class ApplicationOut(serializers.ModelSerializer):
    division_code = serializers.CharField(source="division_id")
    division_name = serializers.CharField(source="division.name")
    head_name = serializers.CharField()
    case_id = serializers.IntegerField(allow_null=True)
    case_number = serializers.CharField(source="case.number", allow_null=True, default=None)
    case_status = serializers.CharField(source="case.status", allow_null=True, default=None)
    disputed = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "status",
            "division_code",
            "division_name",
            "address",
            "hukou_type",
            "assistance_type",
            "channel",
            "head_name",
            "relative_of_staff",
            "case_id",
            "case_number",
            "case_status",
            "disputed",
            "created_at",
        ]

    def get_disputed(self, application) -> bool:
        return bool(application.case and application.case.flags.get("disputed"))


class ApplicationDetailOut(ApplicationOut):
    members = MemberOut(many=True, read_only=True)
    assets = AssetOut(many=True, read_only=True)
    attachments = AttachmentOut(many=True, read_only=True)
    notices = NoticeOut(many=True, read_only=True)
    missing_items = serializers.SerializerMethodField()
    verification = VerificationOut(read_only=True, allow_null=True)
    visit = VisitOut(read_only=True, allow_null=True)
    appraisal = AppraisalOut(read_only=True, allow_null=True)
    decision = DecisionOut(read_only=True, allow_null=True)
    tasks = serializers.SerializerMethodField()

    class Meta(ApplicationOut.Meta):
        fields = [
            *ApplicationOut.Meta.fields,
            "entrusted_name",
            "entrusted_id_number",
            "entrusted_relation",
            "discovery_note",
            "relative_note",
            "has_able_supporter",
            "supporter_note",
            "hardship_tier",
            "receipt_code",
            "members",
            "assets",
            "attachments",
            "notices",
            "missing_items",
            "verification",
            "visit",
            "appraisal",
            "decision",
            "tasks",
        ]

    def get_missing_items(self, application) -> list[str]:
        """What acceptance still needs (empty once accepted or decided)."""
        case = application.case
        if (
            case is not None
            and not case.tasks.filter(step="accept", status=TaskStatus.OPEN).exists()
        ):
            return []
        return intake.missing_items(application)

    @extend_schema_field(TaskSerializer(many=True))
    def get_tasks(self, application):
        if application.case is None:
            return []
        return TaskSerializer(
            application.case.tasks.select_related("case").order_by("stage", "id"), many=True
        ).data


class AcceptOut(serializers.Serializer):
    missing_items = serializers.ListField(
        child=serializers.CharField(), help_text="Empty when accepted (or refused)"
    )
    application = ApplicationDetailOut()
