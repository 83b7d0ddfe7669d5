"""System checks of the registry: production has a master key for sources' identities."""

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured


@register()
def field_encryption_key(app_configs, **kwargs):
    from .identities import master_key

    try:
        master_key()
    except ImproperlyConfigured as error:
        return [
            Error(
                str(error),
                hint="Generate one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())' and keep a copy outside the server: "
                "without it no identity can be read, from the database or any backup.",
                id="registry.E001",
            )
        ]
    return []
