"""Named queries of the API's tables."""

from django.utils import timezone

from .models import ApiToken


def api_tokens_of(user):
    """The user's API tokens that still work, newest first: never the key (only its digest is
    stored), and no other user's."""
    return ApiToken.objects.filter(user=user, expiry__gt=timezone.now()).only(
        "digest", "token_key", "created", "expiry", "last_used", "two_factor"
    )
