"""The seeded vocabulary of violation categories (domain.md 3.1). Administrators may add rows.

Kept as plain data so the data migration and the tests read the same list.
"""

# (code, name, is_grave, [(subtype code, subtype name), ...])
CATEGORIES = [
    ("unlawful_killing", "Unlawful killing", True, [
        ("summary_execution", "Summary execution"),
        ("arbitrary_execution", "Arbitrary execution"),
        ("extrajudicial_execution", "Extrajudicial execution"),
    ]),
    ("torture", "Torture or cruel treatment", True, []),
    ("enforced_disappearance", "Enforced disappearance", True, []),
    ("sexual_violence", "Rape or sexual violence of comparable gravity", True, []),
    ("enslavement", "Enslavement or forced labour", True, []),
    ("refoulement", "Refoulement", True, []),
    ("war_crime", "War crime", True, []),
    ("crime_against_humanity", "Crime against humanity", True, []),
    ("genocide", "Genocide", True, []),
    ("grave_violation_children", "Grave violation against children", True, [
        ("killing_maiming", "Killing and maiming"),
        ("recruitment_use", "Recruitment and use"),
        ("sexual_violence_children", "Sexual violence"),
        ("abduction", "Abduction"),
        ("attacks_schools_hospitals", "Attacks on schools or hospitals"),
        ("denial_humanitarian_access", "Denial of humanitarian access"),
    ]),
    ("arbitrary_detention", "Arbitrary arrest or detention", False, []),
    ("ill_treatment", "Ill-treatment below the torture threshold", False, []),
    ("looting", "Looting", False, []),
    ("extortion", "Extortion", False, []),
    ("threats", "Threats", False, []),
    ("restriction_expression_assembly", "Restriction of expression or assembly", False, []),
    ("corruption", "Corruption", False, []),
]
