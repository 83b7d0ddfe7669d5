"""The seeded mitigation catalogue (domain.md 4.4); ``True`` marks an accountability safeguard."""

MEASURE_TYPES = [
    ("written_commitment", "Written commitment by the authorities", False),
    ("exclude_individuals", "Exclusion of named individuals", False),
    ("exclude_units", "Exclusion of named units", False),
    ("screening", "Screening of personnel before support", True),
    ("payroll_verification", "Registration and payroll verification", False),
    ("prior_training", "Mandatory IHL and human rights training before support", False),
    ("age_verification", "Age verification and release of children", False),
    ("command_orders", "Command orders and codes of conduct", True),
    ("investigation_prosecution", "Investigation and prosecution of past violations", True),
    ("monitor_access", "Access for UN monitors", True),
    ("detention_safeguards", "Detention safeguards", True),
    ("joint_planning", "Joint planning with civilian-harm mitigation", False),
    ("non_lethal_only", "Non-lethal support only", False),
    ("limits", "Geographic, time or quantity limits", False),
    ("phased_support", "Phased support against benchmarks", False),
    ("financial_controls", "Financial controls", False),
    ("incident_reporting", "Incident reporting and protection for those who report", True),
    ("compliance_framework", "Compliance framework", True),
    ("advocacy", "High-level advocacy", False),
]
