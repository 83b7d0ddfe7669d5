"""The columns of each import file, as the upload page documents them."""

from django.utils.translation import gettext_lazy as _

REF = (
    "external_ref",
    False,
    _(
        "The record's reference: the one an export wrote (the row then updates that record), "
        "or your system's; unique. Empty: a new record, given a reference."
    ),
)

IMPORT_COLUMNS = {
    "institutions": [
        REF,
        ("name", True, _("Name (unique).")),
        (
            "kind",
            True,
            _(
                "army, police, gendarmerie, intelligence, border, prisons, ministry, "
                "regional_force or other."
            ),
        ),
        ("country", False, _("Country or regional organisation.")),
        ("description", False, ""),
    ],
    "units": [
        REF,
        ("name", True, ""),
        ("aliases", False, _("Other names, separated by ';'.")),
        ("institution", True, _("The institution's external reference.")),
        ("parent", False, _("The parent unit's external reference (list parents first).")),
        ("location", False, ""),
        ("active_from", False, _("YYYY-MM-DD.")),
        ("active_to", False, _("YYYY-MM-DD.")),
    ],
    "people": [
        REF,
        ("name", True, ""),
        ("aliases", False, _("Other names, separated by ';'.")),
        ("rank", False, ""),
        ("identifiers", False, ""),
    ],
    "assignments": [
        REF,
        ("person", True, _("The person's external reference.")),
        ("unit", True, _("The unit's external reference.")),
        ("role", False, _("commander (default), deputy, chief_of_staff or officer.")),
        ("start", True, _("YYYY-MM-DD, not in the future.")),
        ("end", False, _("YYYY-MM-DD; empty while current.")),
    ],
    "violations": [
        REF,
        ("date", True, _("YYYY-MM-DD, not in the future.")),
        ("date_precision", False, _("day (default), month or year.")),
        ("location", True, ""),
        ("narrative", True, ""),
        ("category", True, _("Category code, e.g. torture or unlawful_killing.")),
        ("subtype", False, _("Subtype code within the category.")),
        ("victims_count", False, ""),
        ("children_involved", False, _("yes or no.")),
        (
            "verification_status",
            False,
            _("alleged (default); credible, verified or discounted by an HRO only."),
        ),
        ("source_reliability", False, _("high, moderate (default) or low.")),
        ("scale", False, _("isolated (default), repeated, widespread or systematic.")),
        ("units", False, _("Attributed units' external references, separated by ';'.")),
        ("people", False, _("Attributed people's external references, separated by ';'.")),
        (
            "responsibility",
            False,
            _(
                "direct (default), command, operational or supporting; "
                "applies to every attribution of the row. With a units or "
                "people column, the violation's attributions become the "
                "file's."
            ),
        ),
    ],
    # A support request's participants (issue 15): imported into one request, from its page.
    "participants": [
        ("name", True, _("Full name, as written in the person's papers.")),
        ("rank", False, ""),
        ("service_number", False, ""),
        ("date_of_birth", False, _("YYYY-MM-DD.")),
        ("place_of_birth", False, ""),
        (
            "unit",
            False,
            _("The unit's external reference, or its exact name when no other unit bears it."),
        ),
        ("role", False, _("trainee (default), trainer, mentee, official or other.")),
    ],
}

# Kinds imported from a record's own page, not from the registry's upload page.
REQUEST_KINDS = ("participants",)
