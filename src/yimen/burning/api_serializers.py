"""What the straw-burning API reads and answers (DRF serializers, parsing only): fire cases
out, manual fire reports in, and the on-site verification with its photos."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from yimen.web.problems import StrictSerializer

from . import geo
from .models import (
    CaseStatus,
    Detection,
    Escalation,
    FireCase,
    FireImport,
    Outcome,
    Photo,
    Source,
    Verification,
)

REPORT_SOURCES = [
    (Source.PATROL.value, Source.PATROL.label),
    (Source.HOTLINE.value, Source.HOTLINE.label),
]
MAX_PHOTOS = 10


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


class FireCaseOut(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    zone_label = serializers.CharField(source="get_zone_kind_display")
    outcome_label = serializers.CharField(source="get_outcome_display")
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.label")
    responsible_name = serializers.SerializerMethodField()
    grid_head_name = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = FireCase
        fields = [
            "id",
            "number",
            "status",
            "status_label",
            "unit_code",
            "unit_name",
            "division",
            "county_code",
            "township_code",
            "longitude",
            "latitude",
            "zone_kind",
            "zone_label",
            "first_detected_at",
            "last_detected_at",
            "opened_at",
            "arrive_due_at",
            "verify_due_at",
            "arrived_at",
            "verified_at",
            "closed_at",
            "escalation_level",
            "outcome",
            "outcome_label",
            "burnt_area_m2",
            "photo_flagged",
            "responsible_name",
            "grid_head_name",
            "overdue",
        ]

    def get_responsible_name(self, case) -> str:
        return _name(case.responsible)

    def get_grid_head_name(self, case) -> str:
        return _name(case.grid_head)

    @extend_schema_field(serializers.BooleanField(help_text="past a clock now, still open"))
    def get_overdue(self, case) -> bool:
        now = self.context.get("now")
        return case.arrival_overdue(now) or case.verification_overdue(now)


class DetectionOut(serializers.ModelSerializer):
    source_label = serializers.CharField(source="get_source_display")
    placement_label = serializers.CharField(source="get_placement_display")

    class Meta:
        model = Detection
        fields = [
            "id",
            "source",
            "source_label",
            "satellite",
            "longitude",
            "latitude",
            "acquired_at",
            "time_known",
            "day",
            "confidence",
            "frp",
            "placement",
            "placement_label",
            "distance_m",
            "case",
        ]


class EscalationOut(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    reason_label = serializers.CharField(source="get_reason_display")

    class Meta:
        model = Escalation
        fields = ["level", "unit_name", "people", "reason", "reason_label", "at"]


class PhotoOut(serializers.ModelSerializer):
    class Meta:
        model = Photo
        fields = ["id", "latitude", "longitude", "position", "taken_at", "distance_m", "flagged"]


class VerificationOut(serializers.ModelSerializer):
    outcome_label = serializers.CharField(source="get_outcome_display")
    verifier_name = serializers.SerializerMethodField()
    photos = PhotoOut(many=True)

    class Meta:
        model = Verification
        fields = [
            "id",
            "outcome",
            "outcome_label",
            "reason",
            "burnt_area_m2",
            "responsible_party",
            "handling",
            "note",
            "created_at",
            "returned_at",
            "return_reason",
            "verifier_name",
            "photos",
        ]

    def get_verifier_name(self, verification) -> str:
        return _name(verification.verifier)


class FireCaseDetailOut(FireCaseOut):
    detections = DetectionOut(many=True)
    escalations = EscalationOut(many=True)
    verifications = VerificationOut(many=True)

    class Meta(FireCaseOut.Meta):
        fields = [*FireCaseOut.Meta.fields, "detections", "escalations", "verifications"]


class ReportOut(serializers.Serializer):
    detection = DetectionOut()
    case = FireCaseOut(allow_null=True)


class CaseQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    county = serializers.RegexField(r"^[0-9]{6}$", required=False, help_text="6-digit code")
    township = serializers.RegexField(r"^[0-9]{9}$", required=False, help_text="9-digit code")
    overdue = serializers.BooleanField(required=False, help_text="only open cases past a clock")
    mine = serializers.BooleanField(required=False, help_text="only the cases routed to me")
    detected_from = serializers.DateField(required=False, help_text="Beijing day")
    detected_to = serializers.DateField(required=False, help_text="Beijing day")


class ReportIn(StrictSerializer):
    source = serializers.ChoiceField(choices=REPORT_SOURCES)
    longitude = serializers.FloatField(min_value=geo.LON_RANGE[0], max_value=geo.LON_RANGE[1])
    latitude = serializers.FloatField(min_value=geo.LAT_RANGE[0], max_value=geo.LAT_RANGE[1])
    seen_at = serializers.DateTimeField(help_text="when the fire was seen (with its offset)")
    place = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    reference = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="the sending system's id of the report: sent again, the first one answers",
    )


class VerificationIn(StrictSerializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    burnt_area_m2 = serializers.FloatField(
        min_value=0, max_value=10_000_000, required=False, allow_null=True, default=None
    )
    responsible_party = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    handling = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    device_lon = serializers.FloatField(
        min_value=geo.LON_RANGE[0], max_value=geo.LON_RANGE[1], required=False, allow_null=True
    )
    device_lat = serializers.FloatField(
        min_value=geo.LAT_RANGE[0], max_value=geo.LAT_RANGE[1], required=False, allow_null=True
    )
    photos = serializers.ListField(
        child=serializers.FileField(), min_length=1, max_length=MAX_PHOTOS
    )


FILE_FORMATS = [
    (Source.VIIRS.value, Source.VIIRS.label),
    (Source.MODIS.value, Source.MODIS.label),
    (Source.BULLETIN.value, Source.BULLETIN.label),
]


class FireFileIn(StrictSerializer):
    """A satellite file as multipart form data: the file and the feed it is."""

    file = serializers.FileField(
        help_text="FIRMS CSV (VIIRS 375 m or MODIS), or the provincial bulletin (CSV or Excel)"
    )
    format = serializers.ChoiceField(choices=FILE_FORMATS, help_text="the feed the file is")


class FireImportOut(serializers.ModelSerializer):
    source_label = serializers.CharField(source="get_source_display")

    class Meta:
        model = FireImport
        fields = [
            "id",
            "source",
            "source_label",
            "filename",
            "sha256",
            "rows",
            "new",
            "duplicates",
            "outside",
            "cases_opened",
            "joined",
            "permitted",
            "imported_at",
        ]
