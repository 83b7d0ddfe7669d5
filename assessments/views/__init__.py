from .assessment import (
    assessment_detail,
    assessment_edit,
    assessment_new_version,
    assessment_print,
    risk_add,
    risk_delete,
    risk_edit,
)
from .monitoring import (
    intervention_action,
    intervention_communication_add,
    intervention_detail,
    intervention_list,
)
from .verification import verification_confirm, verification_undo

__all__ = [
    "assessment_detail",
    "assessment_edit",
    "assessment_new_version",
    "assessment_print",
    "intervention_action",
    "intervention_communication_add",
    "intervention_detail",
    "intervention_list",
    "risk_add",
    "risk_delete",
    "risk_edit",
    "verification_confirm",
    "verification_undo",
]
