"""Choices the evaluation's forms offer: eligible firms with their evaluators, plan defaults."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from models import User, UserRole, db

from ..firms.registry import FIRM_ROLE, eligible_firms

# Eval-2020's typical indicators with the default level-1 weights 20/20/30/30 [P]: the plan
# form starts from them and the firm adapts.
DEFAULT_PLAN = (
    ("decision", "project_initiation", "立项依据充分性", "5"),
    ("decision", "performance_goal", "绩效目标合理性", "5"),
    ("decision", "funds_input", "预算编制科学性", "10"),
    ("process", "funds_management", "资金使用合规性", "10"),
    ("process", "organisation_implementation", "管理制度执行有效性", "10"),
    ("output", "output_quantity", "实际完成率", "10"),
    ("output", "output_quality", "质量达标率", "10"),
    ("output", "output_timeliness", "完成及时性", "5"),
    ("output", "output_cost", "成本节约率", "5"),
    ("benefit", "implementation_benefit", "社会效益", "20"),
    ("benefit", "satisfaction", "服务对象满意度", "10"),
)


@dataclass(frozen=True)
class FirmChoice:
    """A firm that may be engaged now, with its active evaluators (id, name)."""

    id: int
    name: str
    status: str
    staff: tuple[tuple[int, str], ...]


def firm_choices(bureau_id: int) -> list[FirmChoice]:
    """Eligible firms (R19, R22) and their evaluators, for the engagement form."""
    firms = eligible_firms(bureau_id)
    staff: dict[int, list[tuple[int, str]]] = {}
    if firms:
        for user in db.scalars(select(User).join(UserRole, UserRole.user_id == User.id).where(
                UserRole.role_code == FIRM_ROLE, User.active.is_(True),
                User.firm_id.in_([f.id for f in firms])).order_by(User.name)):
            staff.setdefault(user.firm_id, []).append((user.id, user.name))
    return [FirmChoice(f.id, f.name, f.status, tuple(staff.get(f.id, ()))) for f in firms]
