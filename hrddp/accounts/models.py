from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from hrddp.audit import track
from hrddp.validators import single_line


class Role(models.TextChoices):
    """The roles of domain.md section 2. Every signed-in staff member may also report abuse."""

    REQUESTER = "requester", _("SSR advisor")
    HRO = "hro", _("Human rights officer")
    MANAGER = "manager", _("Manager")
    ADMINISTRATOR = "administrator", _("Administrator")
    AUDITOR = "auditor", _("Auditor")


@track()
class Entity(models.Model):
    """A UN entity: the mission, or an agency working beside it (UNDP, UNICEF, ...)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200, validators=[single_line])

    class Meta:
        ordering = ["name"]
        verbose_name = _("UN entity")
        verbose_name_plural = _("UN entities")

    def __str__(self):
        return self.name


# Secrets and sign-in bookkeeping are not history: the password hash and the last sign-in time.
@track(exclude=["password", "last_login"])
class User(AbstractUser):
    # Names go into mail and history: one line each (issue 12, hole 4).
    first_name = models.CharField(
        _("first name"), max_length=150, blank=True, validators=[single_line]
    )
    last_name = models.CharField(
        _("last name"), max_length=150, blank=True, validators=[single_line]
    )
    entities = models.ManyToManyField(
        Entity, through="Membership", related_name="users", blank=True
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The interface and the emails use this language; empty: the browser's."),
    )
    # Single sign-on (issue 17, hrddp/accounts/oidc.py): the provider's identifier of this person,
    # by which a sign-in finds the account. Never the email address, which a provider may reuse.
    oidc_subject = models.CharField(
        _("single sign-on subject"),
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        help_text=_(
            "The identity provider's identifier of this person (its 'sub' claim), set at their "
            "first single sign-on. Empty: not linked to the identity provider."
        ),
    )

    def save(self, *args, **kwargs):
        # The receiver that revokes the user's API tokens on a password change
        # (hrddp/api/services.py) runs in this transaction.
        with transaction.atomic():
            super().save(*args, **kwargs)

    def role_memberships(self):
        """(entity id, role) of each of the user's memberships, read once per instance: a web
        request's user lives for that request, so every permission check of a page shares one
        query, and the next request reads them afresh."""
        if not hasattr(self, "_role_memberships"):
            self.cache_role_memberships(self.memberships.values_list("entity_id", "role"))
        return self._role_memberships

    def cache_role_memberships(self, memberships):
        """Keep (entity id, role) pairs read with the user (accounts.queries.signed_in_user)."""
        self._role_memberships = tuple(memberships)

    def roles(self):
        """The set of roles this user holds in any entity (cached per instance)."""
        return frozenset(role for _entity, role in self.role_memberships())

    def has_role(self, *roles):
        return bool(self.roles() & set(roles))

    def entity_ids_for(self, *roles):
        """Ids of the entities in which the user holds one of ``roles`` (any role if none given)."""
        return {entity for entity, role in self.role_memberships() if not roles or role in roles}


@track()
class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "entity", "role"], name="unique_membership_role"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.entity} · {self.get_role_display()}"

    def save(self, *args, **kwargs):
        # The receiver that revokes the user's API tokens (hrddp/api/services.py) runs in this
        # transaction.
        with transaction.atomic():
            super().save(*args, **kwargs)


# Group and permission grants give access to the administration: who got them is history too.
# (Triggers on Django's own many-to-many tables live on proxies, as django-pgtrigger documents.)
@track(model_name="UserGroupEvent")
class UserGroup(User.groups.through):
    class Meta:
        proxy = True


@track(model_name="UserPermissionEvent")
class UserPermission(User.user_permissions.through):
    class Meta:
        proxy = True


class PasswordResetRequest(models.Model):
    """One "Forgot your password?" request, kept to throttle them (per address and per client
    address) across every web process. The address asked for is kept only as a keyed digest: the
    table says nothing of who asked, and counts the same whether or not the address is an account's.
    Rows older than the throttle's window serve nothing and are deleted as new ones come."""

    email_digest = models.CharField(max_length=64, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} · {self.ip_address or '-'}"
