"""Key evaluation (财政重点评价, DOMAIN process d): proposals, audit consultations, the firm's
work, unit feedback, final score and grade, results into the ledger (R16-R22).

Importing the package registers the task forms and the diagram's event handler.
"""

from . import events, final_forms, plan_forms, work_forms  # noqa: F401 - registration
from .access import can_see, get_evaluation_or_404, sees_audit_opinions, sees_firm_quality
from .documents import documents_of, open_document, upload_document
from .proposals import PROCESS_KEY, can_propose, evaluation_for_instance, propose_evaluation

__all__ = [
    "PROCESS_KEY", "can_propose", "can_see", "documents_of", "evaluation_for_instance",
    "get_evaluation_or_404", "open_document", "propose_evaluation", "sees_audit_opinions",
    "sees_firm_quality", "upload_document",
]
