"""The seeded mitigation catalogue (domain.md 4.4; ``True`` marks an accountability safeguard),
and the guidance and scales the assessment editor shows beside each factor, question and risk."""

from django.utils.translation import gettext_lazy, gettext_noop

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


# What each factor (domain.md 4.2) and extended-scope question (4.3) asks, shown beside its
# rating in the assessment editor.
FACTOR_GUIDANCE = {
    "F1": gettext_lazy(
        "Grave violations in the recipients' records: by the unit and its subunits, by those who "
        "commanded it at the time, and by its current commanders (the records are beside this "
        "factor)."
    ),
    "F2": gettext_lazy(
        "Corrective action by the authorities: investigations, prosecutions and removals that "
        "followed the violations in the records."
    ),
    "F3": gettext_lazy(
        "Whether orders and commitments actually bind the unit; the commanders' own records."
    ),
    "F4": gettext_lazy("How directly the support could contribute to violations."),
    "F5": gettext_lazy(
        "Planned operations, civilians present, and the risks created by the support succeeding."
    ),
    "F6": gettext_lazy("The UN's leverage and its ability to monitor the recipient."),
    "F7": gettext_lazy(
        "Whether credible mitigatory measures exist and are accepted by the authorities."
    ),
    "F8": gettext_lazy(
        "Do no harm: the effect on civilians' physical safety now and in the long term, on "
        "community trust and on the mission's perceived impartiality. Say which community "
        "perceptions you consulted."
    ),
}

SCOPE_GUIDANCE = {
    "S1": gettext_lazy(
        "Could the change shift lines of control or power inside the institutions in a way that "
        "triggers reprisals or violent resistance?"
    ),
    "S2": gettext_lazy(
        "Could people removed, vetted out or sidelined by the reform become a threat to civilians?"
    ),
    "S3": gettext_lazy(
        "Will personnel be encouraged to report abuses and, if so, does a system exist that "
        "protects them and guarantees a minimum of accountability?"
    ),
    "S4": gettext_lazy("If the activity is cut short or fails, what harm follows?"),
    "S5": gettext_lazy(
        "Is the training or norm backed by what makes it work (reporting procedures, means, "
        "command support), or does it stand alone?"
    ),
}

# The labelled scales of a risk's likelihood and severity (domain.md 4.4: 1–5 each).
LIKELIHOOD_LABELS = {
    1: gettext_lazy("rare"),
    2: gettext_lazy("unlikely"),
    3: gettext_lazy("possible"),
    4: gettext_lazy("likely"),
    5: gettext_lazy("almost certain"),
}
SEVERITY_LABELS = {
    1: gettext_lazy("minimal"),
    2: gettext_lazy("minor"),
    3: gettext_lazy("moderate"),
    4: gettext_lazy("major"),
    5: gettext_lazy("catastrophic"),
}
