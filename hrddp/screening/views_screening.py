"""Screening a request's participants: candidates, the HRO's decisions and outcomes (issue 15)."""

from django.http import Http404


def request_screening(request, request_pk):
    raise Http404
