"""Quality scores after each engagement and the firm status rules (R22)."""

from __future__ import annotations

import calendar
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import select

from models import (
    Engagement,
    FinanceBureau,
    FirmQualityScore,
    KeyEvaluation,
    ThirdPartyFirm,
    User,
    db,
)
from models.firm import (
    FIRM_STATUSES,
    QUALITY_COMPONENTS,
)

from ..audit import record
from ..engine import clock
from ..errors import Conflict, Forbidden, InvalidInput
from ..grading import grade_of
from ..ledger_rules import ZONE
from ..messages import Msg
from ..permissions import acts_in_workflows
from .engagements import lock_firm
from .registry import POOR_WINDOW_MONTHS, check_manager, quality_weights

# What a finished engagement's status may be when its firm's work is scored.
SCORABLE_STATUSES = ("delivered", "accepted", "closed")

# ---------------------------------------------------------------- R22 quality

def can_score_quality(user: User) -> bool:
    """The section chief records the quality score on the pages (DOMAIN section 2: perf_chief
    approves the firm's quality score); score_quality itself admits the whole section."""
    return acts_in_workflows(user) and user.has_role("perf_chief")


def _component(value) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(Msg("must be a number")) from None
    if not number.is_finite() or not 0 <= number <= 100 \
            or number != number.quantize(Decimal("0.01")):
        raise ValueError(Msg("must lie in [0, 100], with at most two decimals"))
    return number


def weighted_total(scores: dict[str, Decimal], weights: dict[str, int] | None = None) -> Decimal:
    """The weighted quality score on the bureau's weights, kept to 2 decimals."""
    weights = weights or quality_weights()
    total = sum(scores[k] * weights[k] for k in QUALITY_COMPONENTS) / 100
    return Decimal(total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def clean_components(components) -> dict[str, Decimal]:
    """The six quality components, each in [0, 100] with at most two decimals."""
    errors, scores = {}, {}
    source = components if isinstance(components, dict) else {}
    for key in QUALITY_COMPONENTS:
        try:
            scores[key] = _component(source.get(key))
        except ValueError as exc:
            errors[key] = [exc.args[0]]
    if errors:
        raise InvalidInput(Msg("the quality score has errors"), errors)
    return scores


def score_quality(user: User, engagement: Engagement, components: dict,
                  remarks: str = "") -> FirmQualityScore:
    """Score the firm's work on a finished engagement; R1 grade; R22 status and average."""
    check_manager(user)
    lock_firm(engagement.firm)
    if engagement.status not in SCORABLE_STATUSES:
        raise Conflict(Msg("the firm's work is scored once the engagement is delivered"))
    if db.scalar(select(FirmQualityScore.id).where(
            FirmQualityScore.engagement_id == engagement.id)):
        raise Conflict(Msg("this engagement has already been scored"))
    scores = clean_components(components)
    total = weighted_total(scores, quality_weights(db.get(FinanceBureau, engagement.bureau_id)))
    row = FirmQualityScore(engagement_id=engagement.id, scorer_id=user.id, total=total,
                           grade=grade_of(total), remarks=(remarks or "").strip()[:4000],
                           at=clock.now(), **scores)
    db.add(row)
    db.flush()
    record(user.id, "engagement", engagement.id, "quality.score",
           after={"total": str(total), "grade": row.grade})
    _apply_quality_rules(user, engagement.firm, row.at)
    return row


# A key evaluation in these statuses no longer asks for the firm's quality score itself.
KEY_EVALUATION_DONE = ("closed", "withdrawn")


def scored_in_process(engagement: Engagement) -> bool:
    """An open key evaluation runs under the engagement: its process asks for the quality score
    at its own step (proposed by the section, confirmed by the chief), not the engagement page."""
    return db.scalar(select(KeyEvaluation.id).where(
        KeyEvaluation.engagement_id == engagement.id,
        KeyEvaluation.status.not_in(KEY_EVALUATION_DONE)).limit(1)) is not None


def record_quality_score(user: User, engagement: Engagement, components: dict,
                         remarks: str = "") -> FirmQualityScore:
    """The section chief scores a finished engagement by hand (the engagement page): through
    score_quality, unless an open key evaluation will ask for the score itself (R22)."""
    if not can_score_quality(user):
        raise Forbidden(Msg("only the performance section chief records a firm's quality "
                            "score"))
    if scored_in_process(engagement):
        raise Conflict(Msg("the key evaluation under this engagement asks for the quality "
                           "score at its own step"))
    return score_quality(user, engagement, components, remarks)


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (31 March less one month is the last day of February)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return day.replace(year=year, month=month + 1,
                       day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def local_day(moment: datetime) -> date:
    return moment.astimezone(ZONE).date()


def _apply_quality_rules(user: User, firm: ThirdPartyFirm, now: datetime) -> None:
    """R22: one 差 → warned; two within POOR_WINDOW_MONTHS → suspended; never back up."""
    rows = db.execute(select(FirmQualityScore.total, FirmQualityScore.grade, FirmQualityScore.at)
                      .join(Engagement).where(Engagement.firm_id == firm.id)).all()
    firm.avg_quality_score = (sum(r.total for r in rows) / len(rows)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP)
    # counted in the bureau's calendar days: a score 24 months ago to the day still counts
    since = months_before(local_day(now), POOR_WINDOW_MONTHS)
    recent_poor = sum(1 for r in rows if r.grade == "poor" and since <= local_day(r.at))
    by_rule = "suspended" if recent_poor >= 2 else "warned" if recent_poor else "active"
    _raise_status(user.id, firm, by_rule, reason="R22")


def _raise_status(actor_id: int, firm: ThirdPartyFirm, status: str, reason: str) -> None:
    if FIRM_STATUSES.index(status) <= FIRM_STATUSES.index(firm.status):
        db.flush()
        return
    before, firm.status = firm.status, status
    db.flush()
    record(actor_id, "third_party_firm", firm.id, f"status.{status}",
           before={"status": before}, after={"status": status}, reason=reason)


def can_mark_false_report(user: User) -> bool:
    """The performance section chief decides that a report was false (R22)."""
    return acts_in_workflows(user) and user.has_role("perf_chief")


def mark_false_report(user: User, firm: ThirdPartyFirm, reason: str) -> None:
    """R22: a proven false report blacklists the firm (the performance section chief decides)."""
    if not can_mark_false_report(user):
        raise Forbidden(Msg("only the performance section chief blacklists a firm"))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(Msg("give the reason"), {"reason": [Msg("is required")]})
    _raise_status(user.id, lock_firm(firm), "blacklisted", reason=reason[:4000])


