"""The participants of a support request: listed, typed in, imported (issue 15)."""

from django.http import Http404


def participant_list(request, request_pk):
    raise Http404
