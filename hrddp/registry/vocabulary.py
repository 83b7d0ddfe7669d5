"""The seeded vocabulary of violation categories (domain.md 3.1). Administrators may add rows.

Kept as plain data so the data migration and the tests read the same list.
"""

from django.utils.translation import gettext_noop

# (code, name, is_grave, [(subtype code, subtype name), ...])
CATEGORIES = [
    (
        "unlawful_killing",
        gettext_noop("Unlawful killing"),
        True,
        [
            ("summary_execution", gettext_noop("Summary execution")),
            ("arbitrary_execution", gettext_noop("Arbitrary execution")),
            ("extrajudicial_execution", gettext_noop("Extrajudicial execution")),
        ],
    ),
    ("torture", gettext_noop("Torture or cruel treatment"), True, []),
    ("enforced_disappearance", gettext_noop("Enforced disappearance"), True, []),
    ("sexual_violence", gettext_noop("Rape or sexual violence of comparable gravity"), True, []),
    ("enslavement", gettext_noop("Enslavement or forced labour"), True, []),
    ("refoulement", gettext_noop("Refoulement"), True, []),
    ("war_crime", gettext_noop("War crime"), True, []),
    ("crime_against_humanity", gettext_noop("Crime against humanity"), True, []),
    ("genocide", gettext_noop("Genocide"), True, []),
    (
        "grave_violation_children",
        gettext_noop("Grave violation against children"),
        True,
        [
            ("killing_maiming", gettext_noop("Killing and maiming")),
            ("recruitment_use", gettext_noop("Recruitment and use")),
            ("sexual_violence_children", gettext_noop("Sexual violence")),
            ("abduction", gettext_noop("Abduction")),
            ("attacks_schools_hospitals", gettext_noop("Attacks on schools or hospitals")),
            ("denial_humanitarian_access", gettext_noop("Denial of humanitarian access")),
        ],
    ),
    ("arbitrary_detention", gettext_noop("Arbitrary arrest or detention"), False, []),
    ("ill_treatment", gettext_noop("Ill-treatment below the torture threshold"), False, []),
    ("looting", gettext_noop("Looting"), False, []),
    ("extortion", gettext_noop("Extortion"), False, []),
    ("threats", gettext_noop("Threats"), False, []),
    (
        "restriction_expression_assembly",
        gettext_noop("Restriction of expression or assembly"),
        False,
        [],
    ),
    ("corruption", gettext_noop("Corruption"), False, []),
]
