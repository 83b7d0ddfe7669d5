"""Stub: replaced by the real views."""
from django.http import Http404


def violation_list(request, pk=None):
    raise Http404


def triage(request, pk=None):
    raise Http404


def violation_create(request, pk=None):
    raise Http404


def violation_detail(request, pk=None):
    raise Http404


def violation_update(request, pk=None):
    raise Http404


def violation_verify(request, pk=None):
    raise Http404

