from rest_framework import pagination

from hrddp.pagination import COUNT_CAP, CappedPaginator


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=`` and ``?page_size=`` (at most 100); 25 a page, as the list pages show. As there,
    ``count`` stops at 10,000 (``count_capped`` is then true): pages go on, ``next`` says where."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.page.paginator.capped
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count"]["description"] = (
            f"The rows counted, up to {COUNT_CAP:,}; when count_capped, there are more."
        )
        schema["properties"]["count_capped"] = {"type": "boolean", "example": False}
        schema["required"].append("count_capped")
        return schema
