"""Organisation: bureau, sections, budget units, users and their roles."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, JsonDoc, Timestamps

SECTION_KINDS = (
    "expenditure", "budget", "performance", "fiscal_supervision", "treasury",
    "investment_review", "other",
)
# How far a role's data scope reaches: its own unit, the units its section owns, or the tenant.
ROLE_SCOPES = ("unit", "section", "tenant", "firm", "none")


class FinanceBureau(Base):
    """One county or district finance bureau: the tenant."""

    __tablename__ = "finance_bureau"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(String(6), default="000000")
    name: Mapped[str] = mapped_column(String(100))
    settings: Mapped[dict] = mapped_column(JsonDoc, default=dict)


class Role(Base):
    """A role code (DOMAIN section 2) and the reach of its data scope."""

    __tablename__ = "role"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(50))
    name_en: Mapped[str] = mapped_column(String(50))
    scope: Mapped[str] = mapped_column(String(16))
    acts_in_workflows: Mapped[bool] = mapped_column(Boolean, default=True)


class Section(Timestamps, Base):
    """An internal section (股室) of the bureau."""

    __tablename__ = "section"

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(32))


class User(Timestamps, Base):
    """A person who logs in; roles come from user_role rows."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Bumped on password change so that issued API tokens stop working.
    credential_version: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Where reminder e-mails go, when the bureau turns e-mail on; none by default.
    email: Mapped[str | None] = mapped_column(String(200))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("budget_unit.id", use_alter=True))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"))
    # The third-party firm a tp_evaluator works for (R18: they see only its engagements).
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("third_party_firm.id"))

    role_links: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    unit: Mapped[BudgetUnit | None] = relationship(foreign_keys=[unit_id])
    section: Mapped[Section | None] = relationship()

    @property
    def roles(self) -> frozenset[str]:
        """Role codes held by this user."""
        return frozenset(link.role_code for link in self.role_links)

    def has_role(self, *codes: str) -> bool:
        """True when the user holds any of the given roles."""
        return bool(self.roles.intersection(codes))

    # The attributes a login manager expects of a user (flask-login's protocol, kept Flask-free).
    @property
    def is_active(self) -> bool:
        """Inactive users cannot log in."""
        return bool(self.active)

    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """Identifier stored in the login session."""
        return str(self.id)


class UserRole(Base):
    """One role held by one user."""

    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    role_code: Mapped[str] = mapped_column(ForeignKey("role.code"), primary_key=True, index=True)

    user: Mapped[User] = relationship(back_populates="role_links")
    role: Mapped[Role] = relationship(lazy="joined")


class BudgetUnit(Timestamps, Base):
    """A budget unit (预算单位), owned by one expenditure section and served by one liaison."""

    __tablename__ = "budget_unit"
    __table_args__ = (UniqueConstraint("bureau_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("budget_unit.id"))
    level: Mapped[int] = mapped_column(Integer, default=1)
    unit_type: Mapped[str] = mapped_column(String(32), default="admin")
    expenditure_section_id: Mapped[int] = mapped_column(ForeignKey("section.id"), index=True)
    liaison_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    expenditure_section: Mapped[Section] = relationship()
    liaison: Mapped[User] = relationship(foreign_keys=[liaison_user_id])
