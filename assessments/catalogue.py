"""The seeded mitigation catalogue (domain.md 4.4); ``True`` marks an accountability safeguard."""

from django.utils.translation import gettext_noop as N_

MEASURE_TYPES = [
    ("written_commitment", N_("Written commitment by the authorities"), False),
    ("exclude_individuals", N_("Exclusion of named individuals"), False),
    ("exclude_units", N_("Exclusion of named units"), False),
    ("screening", N_("Screening of personnel before support"), True),
    ("payroll_verification", N_("Registration and payroll verification"), False),
    ("prior_training", N_("Mandatory IHL and human rights training before support"), False),
    ("age_verification", N_("Age verification and release of children"), False),
    ("command_orders", N_("Command orders and codes of conduct"), True),
    ("investigation_prosecution", N_("Investigation and prosecution of past violations"), True),
    ("monitor_access", N_("Access for UN monitors"), True),
    ("detention_safeguards", N_("Detention safeguards"), True),
    ("joint_planning", N_("Joint planning with civilian-harm mitigation"), False),
    ("non_lethal_only", N_("Non-lethal support only"), False),
    ("limits", N_("Geographic, time or quantity limits"), False),
    ("phased_support", N_("Phased support against benchmarks"), False),
    ("financial_controls", N_("Financial controls"), False),
    ("incident_reporting", N_("Incident reporting and protection for those who report"), True),
    ("compliance_framework", N_("Compliance framework"), True),
    ("advocacy", N_("High-level advocacy"), False),
]
