"""Read-only API over the division tree: search, one division with its ancestors, children.

Thin views (house rule 2): parse the query, call one selector, serialise. Any logged-in
user may read the map; unknown codes answer 404 problem details (regions.not_found).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from yimen.web.problems import QueryChecked

from .models import Division
from .selectors import ancestors, children, get_division, search

CODE_PARAMETER = OpenApiParameter(
    "code",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Division code: 2, 4, 6, 9 or 12 digits (220102 = 220102000000).",
)


class DivisionSerializer(serializers.ModelSerializer):
    """One division as every client sees it."""

    short_code = serializers.CharField(
        read_only=True,
        help_text="GB/T 2260 six digits down to the county, all significant digits below",
    )
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    parent = serializers.CharField(source="parent_id", read_only=True, allow_null=True)

    class Meta:
        model = Division
        fields = ["code", "short_code", "name", "level", "level_label", "parent", "full_name"]
        read_only_fields = fields


class DivisionDetailSerializer(DivisionSerializer):
    """A division with its ancestors, province first (for breadcrumbs and pickers)."""

    ancestors = DivisionSerializer(source="ancestor_list", many=True, read_only=True)

    class Meta(DivisionSerializer.Meta):
        fields = [*DivisionSerializer.Meta.fields, "ancestors"]
        read_only_fields = fields


class DivisionQuery(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=50,
        help_text="part of a name, or the leading digits of a code",
    )
    parent = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=12,
        help_text="only the children of this division (2/4/6/9/12-digit code)",
    )


class DivisionListView(QueryChecked, generics.ListAPIView):
    """Divisions by name or code (``q``), optionally only the children of ``parent``."""

    serializer_class = DivisionSerializer
    queryset = Division.objects.none()  # for the schema; rows come from the selectors
    query_serializer = DivisionQuery
    refers_to_rows = True  # an unknown ``parent`` answers 404

    @extend_schema(operation_id="divisions_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        text, parent_code = self.query.get("q", "").strip(), self.query.get("parent", "").strip()
        if parent_code:
            parent = get_division(parent_code)
            return search(text).filter(parent_id=parent.code) if text else children(parent)
        if text:
            return search(text)
        # no filter: the top of the tree, so the first page is a useful start for a picker
        return Division.objects.filter(parent__isnull=True).order_by("code")


class DivisionDetailView(QueryChecked, generics.RetrieveAPIView):
    """One division with its ancestors."""

    serializer_class = DivisionDetailSerializer
    queryset = Division.objects.none()

    @extend_schema(operation_id="divisions_retrieve", parameters=[CODE_PARAMETER])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        division = get_division(self.kwargs["code"])
        division.ancestor_list = ancestors(division)
        return division


class DivisionChildrenView(QueryChecked, generics.ListAPIView):
    """The divisions directly beneath one division."""

    serializer_class = DivisionSerializer
    queryset = Division.objects.none()

    @extend_schema(operation_id="divisions_children", parameters=[CODE_PARAMETER])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return children(get_division(self.kwargs["code"]))
