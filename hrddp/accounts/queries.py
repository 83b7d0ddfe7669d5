"""Named queries of users."""

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, Func, IntegerField, OuterRef, Subquery

from hrddp.notifications.models import Notification

from .models import Membership, PasswordResetRequest, User


def entity_users(entity_id, *roles):
    """The active users holding one of ``roles`` in the entity."""
    return User.objects.filter(
        is_active=True, memberships__entity_id=entity_id, memberships__role__in=roles
    ).distinct()


def signed_in_user(pk):
    """The user a web request is made by, with what nearly every page asks about them in the same
    query: their memberships (every permission check) and their unread notifications (the count in
    the page's header). None if there is no such user."""
    memberships = Membership.objects.filter(user=OuterRef("pk")).order_by("pk")
    # COUNT as a plain function, not an aggregate: every page loads the user, and the list pages
    # are held free of GROUP BY (tests/api/test_capped_lists.py).
    unread = (
        Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values(n=Func(F("pk"), function="COUNT", output_field=IntegerField()))
    )
    user = (
        User.objects.annotate(
            membership_entities=ArraySubquery(memberships.values("entity_id")),
            membership_roles=ArraySubquery(memberships.values("role")),
            unread_notification_count=Subquery(unread),
        )
        .filter(pk=pk)
        .first()
    )
    if user is not None:
        user.cache_role_memberships(
            zip(user.membership_entities, user.membership_roles, strict=True)
        )
    return user


def password_reset_throttled(email_digest, ip_address, since):
    """Whether "forgot password" requests since ``since`` reached the limit for this address
    (its digest) or for this client address (hrddp.accounts.password_reset)."""
    recent = PasswordResetRequest.objects.filter(created_at__gte=since)
    return recent.filter(
        email_digest=email_digest
    ).count() >= settings.PASSWORD_RESET_LIMIT_PER_ADDRESS or (
        ip_address is not None
        and recent.filter(ip_address=ip_address).count() >= settings.PASSWORD_RESET_LIMIT_PER_IP
    )
