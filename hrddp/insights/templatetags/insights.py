from django import template

from .. import charts

register = template.Library()


@register.filter
def money(values):
    """{currency: sum} as "USD 180,000; EUR 5,000"."""
    return charts.money(values)
