"""SQLAlchemy models of jixiao; imports nothing else of ours."""

from .audit import AppendOnlyError, AuditLog
from .base import Base, utcnow
from .evaluation import AuditConsultation, KeyEvaluation, SelfEvaluation, SelfEvaluationRound
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
from .org import BudgetUnit, FinanceBureau, Role, Section, User, UserRole
from .process import ProcessDefinition, ProcessInstance
from .project import Project
from .session import db, transaction
from .task import Task, TaskCandidate

__all__ = [
    "AppendOnlyError", "AuditConsultation", "AuditLog", "Base", "BudgetUnit", "Document",
    "Engagement", "FinanceBureau", "FirmQualityScore", "GoalReview", "GoalSheet", "Indicator",
    "InterviewRecord", "KeyEvaluation", "Notification", "Problem", "ProcessDefinition",
    "ProcessInstance", "Project", "RectificationItem", "Reminder", "Role", "Section",
    "SelfEvaluation", "SelfEvaluationRound", "Task", "TaskCandidate", "ThirdPartyFirm", "User",
    "UserRole", "db", "transaction", "utcnow",
]
