"""The search page (issue 15): what the header's search box finds, section by section."""

from django.shortcuts import render

from hrddp.accounts.access import role_required

from .. import search as finding

# The page works without JavaScript: a plain GET form in the header sends ``?q=``.


@role_required()
def search(request):
    term = request.GET.get("q", "").strip()
    return render(
        request,
        "registry/search.html",
        {
            "q": term,
            "sections": finding.search(request.user, term),
            "section_size": finding.SECTION_SIZE,
        },
    )
