"""API tokens issued and revoked.

A token outlives nothing it was issued for: the owner's password, roles (memberships) and second
factors. The receivers below revoke every token of the user when one of these changes, wherever the
change is made (the pages, the admin, the shell), in the transaction that makes it.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from hrddp.accounts.models import Membership, User
from hrddp.accounts.signals import recovery_codes_replaced

from .models import ApiToken


def issue_api_token(user, *, two_factor):
    """A new token for ``user``: (the stored row, the key, shown this once). ``two_factor`` says
    whether a code of the user's authenticator was checked on the way."""
    return ApiToken.objects.create(user=user, two_factor=two_factor)


def revoke_api_tokens(user):
    """Revoke every API token of ``user`` (a user or its id); the number revoked."""
    deleted, _by_model = ApiToken.objects.filter(user=user).delete()
    return deleted


def revoke_api_token(user, digest):
    """Revoke the token of ``user`` stored under ``digest``; False if the user has none such."""
    deleted, _by_model = ApiToken.objects.filter(user=user, digest=digest).delete()
    return bool(deleted)


# Password: set_password() keeps the new password on the instance until its save is done;
# Django's hash upgrade at sign-in clears it first, so only a real change revokes.
@receiver(post_save, sender=User, dispatch_uid="api.tokens.password")
def _password_changed(sender, instance, created, **kwargs):
    if not created and instance._password is not None:
        revoke_api_tokens(instance)


# Roles: any membership added, changed or removed.
@receiver(post_save, sender=Membership, dispatch_uid="api.tokens.membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="api.tokens.membership_deleted")
def _role_changed(sender, instance, **kwargs):
    revoke_api_tokens(instance.user_id)


@receiver(m2m_changed, sender=User.entities.through, dispatch_uid="api.tokens.entities")
def _entities_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """``user.entities.add(...)`` and the like, which send no post_save of Membership."""
    if not reverse and action in ("post_add", "post_remove", "post_clear"):
        revoke_api_tokens(instance)
    elif reverse and action in ("post_add", "post_remove"):
        ApiToken.objects.filter(user_id__in=pk_set or ()).delete()
    elif reverse and action == "pre_clear":  # entity.users.clear(): no pk_set is given
        ApiToken.objects.filter(user__in=instance.users.all()).delete()


# Second factors: an authenticator or recovery codes turned on, off, or deleted.
@receiver(pre_save, sender=TOTPDevice, dispatch_uid="api.tokens.totp_before")
@receiver(pre_save, sender=StaticDevice, dispatch_uid="api.tokens.static_before")
def _remember_confirmed(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and "confirmed" not in update_fields:
        return  # a sign-in's bookkeeping (throttling, last code used)
    instance._was_confirmed = (
        not instance._state.adding
        and sender.objects.filter(pk=instance.pk, confirmed=True).exists()
    )


@receiver(post_save, sender=TOTPDevice, dispatch_uid="api.tokens.totp_saved")
@receiver(post_save, sender=StaticDevice, dispatch_uid="api.tokens.static_saved")
def _second_factor_saved(sender, instance, **kwargs):
    was_confirmed = getattr(instance, "_was_confirmed", None)
    if was_confirmed is not None and was_confirmed != instance.confirmed:
        revoke_api_tokens(instance.user_id)
    instance._was_confirmed = None


@receiver(post_delete, sender=TOTPDevice, dispatch_uid="api.tokens.totp_deleted")
@receiver(post_delete, sender=StaticDevice, dispatch_uid="api.tokens.static_deleted")
def _second_factor_deleted(sender, instance, **kwargs):
    if instance.confirmed:
        revoke_api_tokens(instance.user_id)


@receiver(recovery_codes_replaced, dispatch_uid="api.tokens.recovery_codes")
def _recovery_codes_replaced(sender, user, **kwargs):
    revoke_api_tokens(user)
