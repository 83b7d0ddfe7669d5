"""Named queries of users."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, OuterRef, Q, Subquery

from .models import Membership, User


def signed_in_user(pk):
    """The user a web request is made by, with what nearly every page asks about them in the same
    query: their memberships (every permission check) and their unread notifications (the count in
    the page's header). None if there is no such user."""
    memberships = Membership.objects.filter(user=OuterRef("pk")).order_by("pk")
    unread = (
        User.objects.filter(pk=OuterRef("pk"))
        .annotate(n=Count("notifications", filter=Q(notifications__read_at__isnull=True)))
        .values("n")
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
