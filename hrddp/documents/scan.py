"""Virus scanning by clamd (CLAMD_URL). Placeholder until the scan branch is merged."""

from django.conf import settings


def scan(file):
    if settings.CLAMD_URL:
        raise NotImplementedError("clamd scanning arrives with the scan branch")
