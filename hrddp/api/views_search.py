"""``GET /api/v1/search/?q=``: search everywhere, as the header's search box
(``registry.search.search``, the same sections and the same visibility)."""

from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from hrddp.registry import search as finding

from .permissions import ANY_ROLE


def _row(section, row, match=None):
    if section.kind == "people":
        return {
            "id": row.pk,
            "name": row.name,
            "aliases": row.aliases,
            "rank": row.rank,
            "score": match.score,
            "level": match.level,
            "reasons": [
                {"code": code, "params": params, "text": text}
                for (code, params), text in zip(match.reasons, match.reason_texts, strict=True)
            ],
        }
    if section.kind == "units":
        return {"id": row.pk, "name": row.name, "institution": row.institution.name}
    if section.kind == "institutions":
        return {"id": row.pk, "name": row.name}
    return {
        "id": row.pk,
        "external_ref": row.external_ref,
        "date": row.date,
        "location": row.location,
        "category": str(row.category),
    }


SectionSerializer = inline_serializer(
    "SearchSection",
    {
        "results": serializers.ListField(child=serializers.DictField()),
        "more": serializers.BooleanField(),
        "list_url": serializers.CharField(),
    },
)


class SearchView(APIView):
    """Units, people (by the name matcher, across spellings and scripts), institutions and
    violations by reference that match ``q``; each section only for those who may see its list,
    at most 10 records, ``more`` when there are others (see ``list_url``)."""

    action_roles = {"get": ANY_ROLE}

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="What to look for.")],
        responses=inline_serializer(
            "SearchResults",
            {kind: SectionSerializer for kind in ("units", "people", "institutions", "violations")},
        ),
    )
    def get(self, request):
        term = request.query_params.get("q", "")
        data = {}
        for section in finding.search(request.user, term):
            matches = section.matches if section.kind == "people" else [None] * len(section.rows)
            data[section.kind] = {
                "results": [
                    _row(section, row, match)
                    for row, match in zip(section.rows, matches, strict=True)
                ],
                "more": section.more,
                "list_url": f"{reverse(section.list_url_name)}?{urlencode({'q': term.strip()})}",
            }
        return Response(data)
