"""The API of the payments the bank sent back: a bank's or the treasury system's upload
of its return file, and the returns in one's area. A refused file answers 400 with every
refused line in ``rows`` (``ReturnRowsRefused.as_problem``); nothing of it is written."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from yimen.accounts.roles import Action
from yimen.accounts.scoping import division_q
from yimen.web.paging import Pages
from yimen.web.problems import QueryChecked, StrictSerializer

from .api import TAG, parsed
from .errors import ReturnFileRefused
from .models import PaymentReturn, ReturnBatch
from .services import returns

MAX_UPLOAD = 20 * 2**20


class ReturnFileIn(StrictSerializer):
    township = serializers.RegexField(r"^[0-9]{12}$", help_text="12-digit township code")
    file = serializers.FileField(help_text="the bank's return file, .csv or .xlsx")
    layout = serializers.IntegerField(
        required=False, min_value=1, help_text="a layout in force (default: every bank's)"
    )


class ReturnOut(serializers.ModelSerializer):
    month = serializers.DateField(source="roll.month")

    class Meta:
        model = PaymentReturn
        fields = [
            "id",
            "beneficiary",
            "roll",
            "month",
            "assistance_type",
            "amount",
            "account_number",
            "reason",
            "bank_code",
            "bank_text",
            "returned_on",
            "status",
            "reissued_in",
            "row_number",
        ]


class ReturnBatchOut(serializers.ModelSerializer):
    items = ReturnOut(many=True)

    class Meta:
        model = ReturnBatch
        fields = [
            "id",
            "division",
            "file_name",
            "file_sha256",
            "month",
            "returns",
            "total_amount",
            "imported_at",
            "items",
        ]


class ReturnListView(QueryChecked, ListAPIView):
    """Returned payments in my area, newest first; POST imports a return file (township
    payment staff): 201 with the new file, 200 with the earlier one if it is the same file."""

    serializer_class = ReturnOut
    pagination_class = Pages
    parser_classes = [MultiPartParser, FormParser]
    refers_to_rows = True  # documents the 404: a township outside the user's area or unknown

    def get_queryset(self):
        return (
            PaymentReturn.objects.filter(
                division_q(self.request.user, Action.ROSTER_VIEW, "roll__division__code")
            )
            .select_related("roll")
            .order_by("-pk")
        )

    @extend_schema(tags=TAG)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAG,
        request={"multipart/form-data": ReturnFileIn},
        responses={201: ReturnBatchOut, 200: ReturnBatchOut},
    )
    def post(self, request):
        data = parsed(ReturnFileIn, request)
        upload = data["file"]
        if upload.size > MAX_UPLOAD:
            raise ReturnFileRefused(_("The file is too large for an import."))
        result = returns.returns_import(
            actor=request.user,
            township_code=data["township"],
            file_name=upload.name or "",
            data=upload.read(),
            layout_id=data.get("layout"),
        )
        return Response(ReturnBatchOut(result.batch).data, status=201 if result.created else 200)
