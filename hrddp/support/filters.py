import django_filters
from django.utils.translation import gettext_lazy as _

from hrddp.accounts.models import Entity

from .models import RequestStatus, SupportRequest, SupportType, Urgency


def own_entities(request):
    if request is None:
        return Entity.objects.none()
    return Entity.objects.filter(pk__in=request.user.entity_ids_for()).order_by("name")


class SupportRequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Title"), field_name="title", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RequestStatus.choices)
    entity = django_filters.ModelChoiceFilter(label=_("Entity"), queryset=own_entities)
    support_type = django_filters.ChoiceFilter(
        label=_("Support type"), choices=SupportType.choices, method="filter_support_type"
    )
    urgency = django_filters.ChoiceFilter(label=_("Urgency"), choices=Urgency.choices)

    class Meta:
        model = SupportRequest
        fields = ["q", "status", "entity", "support_type", "urgency"]

    def filter_support_type(self, queryset, name, value):
        return queryset.filter(support_types__contains=[value])
