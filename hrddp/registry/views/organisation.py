"""Stub: replaced by the real views."""
from django.http import Http404


def institution_list(request, pk=None):
    raise Http404


def institution_create(request, pk=None):
    raise Http404


def institution_detail(request, pk=None):
    raise Http404


def institution_update(request, pk=None):
    raise Http404


def unit_list(request, pk=None):
    raise Http404


def unit_create(request, pk=None):
    raise Http404


def unit_detail(request, pk=None):
    raise Http404


def unit_update(request, pk=None):
    raise Http404


def person_list(request, pk=None):
    raise Http404


def person_create(request, pk=None):
    raise Http404


def person_detail(request, pk=None):
    raise Http404


def person_update(request, pk=None):
    raise Http404


def assignment_list(request, pk=None):
    raise Http404


def assignment_create(request, pk=None):
    raise Http404


def assignment_update(request, pk=None):
    raise Http404

