"""``{% export_links %}``: the list's export links (same filters), and the import link for those
who may import into the registry (``{% export_links import_kind="units" %}``). A list with no
rows (``page_obj``, as filtered) offers no export: the file would hold nothing."""

from django import template

from hrddp.accounts.access import can_import_registry

register = template.Library()


@register.inclusion_tag("includes/_export_links.html", takes_context=True)
def export_links(context, import_kind=""):
    request = context["request"]
    import_kind = import_kind if can_import_registry(request.user) else ""
    page = context.get("page_obj")
    # The page has counted its rows already: asking costs no query.
    if page is not None and not page.paginator.count:
        return {"import_kind": import_kind}
    query = request.GET.copy()
    for name in ("page", "format", "convention"):
        query.pop(name, None)
    links = {}
    for fmt in ("csv", "xlsx"):
        query["format"] = fmt
        links[fmt] = f"?{query.urlencode()}"
    # The semicolon convention (French Excel, whose decimal mark is the comma).
    query["format"] = "csv"
    query["convention"] = "semicolon"
    return {
        "csv_url": links["csv"],
        "csv_semicolon_url": f"?{query.urlencode()}",
        "xlsx_url": links["xlsx"],
        "import_kind": import_kind,
    }
