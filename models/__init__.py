"""SQLAlchemy models of jixiao; imports nothing else of ours."""

from .audit import AppendOnlyError, AuditLog
from .base import Base, utcnow
from .congress import CongressInquiry
from .evaluation import AuditConsultation, KeyEvaluation, SelfEvaluation, SelfEvaluationRound
from .ex_ante import ExAnteAssessment
from .firm import Engagement, FirmQualityScore, ThirdPartyFirm
from .goal_sheet import GoalReview, GoalSheet, Indicator
from .ledger import (
    Document,
    InterviewRecord,
    Notification,
    Problem,
    RectificationItem,
    Reminder,
)
from .monitoring import FundAction, FundActionChangeError, MonitoringReport, MonitoringRound
from .org import BudgetUnit, FinanceBureau, Role, Section, User, UserRole
from .process import ProcessDefinition, ProcessInstance
from .project import Project, SpecialFund
from .result_application import (
    ProjectBalance,
    ResultApplication,
    ResultApplicationRound,
    UnitFinalAccount,
)
from .session import db, transaction
from .task import Task, TaskCandidate

__all__ = [
    "AppendOnlyError", "AuditConsultation", "AuditLog", "Base", "BudgetUnit", "CongressInquiry",
    "Document", "Engagement", "ExAnteAssessment", "FinanceBureau", "FirmQualityScore",
    "FundAction", "FundActionChangeError", "GoalReview", "GoalSheet", "Indicator",
    "InterviewRecord", "KeyEvaluation", "MonitoringReport", "MonitoringRound", "Notification",
    "Problem", "ProcessDefinition", "ProcessInstance", "Project", "ProjectBalance",
    "RectificationItem", "Reminder", "ResultApplication", "ResultApplicationRound", "Role",
    "Section", "SelfEvaluation", "SelfEvaluationRound", "SpecialFund", "Task", "TaskCandidate",
    "ThirdPartyFirm", "UnitFinalAccount", "User", "UserRole", "db", "transaction", "utcnow",
]
