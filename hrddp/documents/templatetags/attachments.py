from django import template

from hrddp.documents import queries

register = template.Library()
SAME_REQUEST = ("communication", "decision")


@register.inclusion_tag("documents/_attachments.html", takes_context=True)
def attachments_panel(context, record, heading=True):
    """The files of ``record`` the reader may see, each a download link, and a link to attach one
    for those who may (one query)."""
    user = context["request"].user
    return {
        "record": record,
        "kind": record._meta.model_name,
        "attachments": list(queries.attachments_of(user, record)),
        "may_attach": queries.can_attach(user, record),
        "heading": heading,
    }


@register.simple_tag(takes_context=True)
def attachments_by_record(context, records):
    """{record pk: [files the reader may see]} for the records of one table (one query)."""
    records = list(records)
    by_record = {record.pk: [] for record in records}
    if records:
        name = records[0]._meta.model_name
        for attachment in queries.attachments_of(context["request"].user, *records):
            by_record[getattr(attachment, f"{name}_id")].append(attachment)
    return by_record


@register.inclusion_tag("documents/_record_files.html", takes_context=True)
def record_files(context, record, by_record):
    """A table cell's files of ``record``, read from ``attachments_by_record``, and the link to
    attach one for those who may."""
    kind = record._meta.model_name
    # Who may attach to a letter or a decision depends on its request alone: asked once a table
    # (each row asking would read each row's request).
    key = ("may attach", record.request_id if kind in SAME_REQUEST else record.pk)
    if key not in by_record:
        by_record[key] = queries.can_attach(context["request"].user, record)
    return {
        "record": record,
        "kind": kind,
        "attachments": by_record.get(record.pk, []),
        "may_attach": by_record[key],
    }
