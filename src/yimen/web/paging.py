"""API paging. In its own module: DRF imports the default paginator while it is still
loading its generic views, so this module must not import them."""

from rest_framework.pagination import LimitOffsetPagination


class Pages(LimitOffsetPagination):
    """limit/offset paging with both capped: an unbounded number reaches the database as
    is, and SQLite answers a LIMIT or OFFSET past 2**63 with an error (a 500)."""

    max_limit = 500
    max_offset = 10**12

    def get_offset(self, request) -> int:
        return min(super().get_offset(request), self.max_offset)

    def get_schema_operation_parameters(self, view):
        # documented as they are checked (web.problems.QueryChecked): a limit below 1 or a
        # negative offset is refused with a 400; larger values are capped, not refused
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = f"Number of rows per page (at most {self.max_limit})."
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"]["minimum"] = 0
        return parameters
