"""The seeded vocabulary of violation categories (domain.md 3.1). Administrators may add rows.

Kept as plain data so the data migration and the tests read the same list.
"""

from django.utils.translation import gettext_noop as N_

# (code, name, is_grave, [(subtype code, subtype name), ...])
CATEGORIES = [
    (
        "unlawful_killing",
        N_("Unlawful killing"),
        True,
        [
            ("summary_execution", N_("Summary execution")),
            ("arbitrary_execution", N_("Arbitrary execution")),
            ("extrajudicial_execution", N_("Extrajudicial execution")),
        ],
    ),
    ("torture", N_("Torture or cruel treatment"), True, []),
    ("enforced_disappearance", N_("Enforced disappearance"), True, []),
    ("sexual_violence", N_("Rape or sexual violence of comparable gravity"), True, []),
    ("enslavement", N_("Enslavement or forced labour"), True, []),
    ("refoulement", N_("Refoulement"), True, []),
    ("war_crime", N_("War crime"), True, []),
    ("crime_against_humanity", N_("Crime against humanity"), True, []),
    ("genocide", N_("Genocide"), True, []),
    (
        "grave_violation_children",
        N_("Grave violation against children"),
        True,
        [
            ("killing_maiming", N_("Killing and maiming")),
            ("recruitment_use", N_("Recruitment and use")),
            ("sexual_violence_children", N_("Sexual violence")),
            ("abduction", N_("Abduction")),
            ("attacks_schools_hospitals", N_("Attacks on schools or hospitals")),
            ("denial_humanitarian_access", N_("Denial of humanitarian access")),
        ],
    ),
    ("arbitrary_detention", N_("Arbitrary arrest or detention"), False, []),
    ("ill_treatment", N_("Ill-treatment below the torture threshold"), False, []),
    ("looting", N_("Looting"), False, []),
    ("extortion", N_("Extortion"), False, []),
    ("threats", N_("Threats"), False, []),
    ("restriction_expression_assembly", N_("Restriction of expression or assembly"), False, []),
    ("corruption", N_("Corruption"), False, []),
]
