"""The seeded mitigation catalogue (domain.md 4.4); ``True`` marks an accountability safeguard."""

from django.utils.translation import gettext_noop

MEASURE_TYPES = [
    ("written_commitment", gettext_noop("Written commitment by the authorities"), False),
    ("exclude_individuals", gettext_noop("Exclusion of named individuals"), False),
    ("exclude_units", gettext_noop("Exclusion of named units"), False),
    ("screening", gettext_noop("Screening of personnel before support"), True),
    ("payroll_verification", gettext_noop("Registration and payroll verification"), False),
    (
        "prior_training",
        gettext_noop("Mandatory IHL and human rights training before support"),
        False,
    ),
    ("age_verification", gettext_noop("Age verification and release of children"), False),
    ("command_orders", gettext_noop("Command orders and codes of conduct"), True),
    (
        "investigation_prosecution",
        gettext_noop("Investigation and prosecution of past violations"),
        True,
    ),
    ("monitor_access", gettext_noop("Access for UN monitors"), True),
    ("detention_safeguards", gettext_noop("Detention safeguards"), True),
    ("joint_planning", gettext_noop("Joint planning with civilian-harm mitigation"), False),
    ("non_lethal_only", gettext_noop("Non-lethal support only"), False),
    ("limits", gettext_noop("Geographic, time or quantity limits"), False),
    ("phased_support", gettext_noop("Phased support against benchmarks"), False),
    ("financial_controls", gettext_noop("Financial controls"), False),
    (
        "incident_reporting",
        gettext_noop("Incident reporting and protection for those who report"),
        True,
    ),
    ("compliance_framework", gettext_noop("Compliance framework"), True),
    ("advocacy", gettext_noop("High-level advocacy"), False),
]
