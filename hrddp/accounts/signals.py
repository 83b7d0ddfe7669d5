"""Signals accounts sends for the apps above it to act on, so that it imports none of them."""

from django.dispatch import Signal

# Sent with ``user`` when a user's recovery codes are replaced: a change of second factor that
# saves or deletes no device (the API revokes the user's tokens, api/services.py).
recovery_codes_replaced = Signal()
