"""Generating a target year's proposals from the rules (DOMAIN f steps 1–3; R23–R28), and the
performance section's own additions; each proposal runs its own instance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from models import (
    BudgetUnit,
    FinanceBureau,
    Project,
    ResultApplication,
    ResultApplicationRound,
    User,
    db,
)
from models.base import utcnow
from models.result_application import DISCRETIONARY_ACTIONS

from ..audit import record
from ..cycle_steps import due_in, today
from ..deploy import latest_definition
from ..engine import runtime
from ..errors import Conflict, Forbidden, InvalidInput
from ..evaluation.fields import amount, choice, text
from ..firms.engagements import positive_id
from ..ledger_settings import bureau_of
from ..messages import Msg
from ..rule_settings import rule_settings
from ..self_evaluation.inputs import decimal, iso_date, note
from .access import KIND, PROCESS_KEY, can_propose
from .sources import (
    Candidate,
    finance_graded,
    from_balances,
    from_final_accounts,
    from_key_evaluations,
    from_ledger,
    from_monitoring,
    from_self_evaluations,
)


@dataclass(frozen=True)
class Generated:
    """A round and the proposals this run added (a re-run adds only new ones)."""

    round: ResultApplicationRound
    added: int
    existing: int


def validate_generation(raw, settings: dict) -> dict:
    """Target year, source year (R33: the target is the year after, or the one after that)
    and the budget-compilation date."""
    raw = raw if isinstance(raw, dict) else {}
    errors: dict[str, list] = {}
    target = decimal(raw.get("target_year"), "target_year", errors, places=0,
                     low=Decimal(2000), high=Decimal(2100))
    gap = 2 if settings["result_target"] == "second_next" else 1
    source_raw = raw.get("source_year")
    source = None
    if target is not None:
        source = int(target) - gap if source_raw in (None, "") else decimal(
            source_raw, "source_year", errors, places=0, low=Decimal(2000), high=Decimal(2100))
    if target is not None and source is not None and not 1 <= int(target) - int(source) <= 2:
        note(errors, "source_year", Msg("results of year N apply to the budget of N+1 or N+2 "
                                        "(R33)"))
    compilation = iso_date(raw.get("compilation_date") or today().isoformat(),
                           "compilation_date", errors)
    if errors:
        raise InvalidInput(Msg("the generation has errors"), errors)
    return {"target_year": int(target), "source_year": int(source),
            "compilation_date": compilation}


def _round(user: User, bureau: FinanceBureau, cleaned: dict) -> ResultApplicationRound:
    db.execute(select(FinanceBureau.id).where(FinanceBureau.id == bureau.id).with_for_update())
    found = db.scalar(select(ResultApplicationRound).where(
        ResultApplicationRound.bureau_id == bureau.id,
        ResultApplicationRound.target_year == cleaned["target_year"]))
    if found is None:
        found = ResultApplicationRound(bureau_id=bureau.id, generated_by_id=user.id, **cleaned)
        db.add(found)
        db.flush()
        record(user.id, "result_application_round", found.id, "create",
               after={"target_year": found.target_year, "source_year": found.source_year})
    elif found.source_year != cleaned["source_year"]:
        raise Conflict(Msg("the %(year)s round draws on the results of %(source)s",
                           year=found.target_year, source=found.source_year))
    found.compilation_date, found.last_run_at = cleaned["compilation_date"], utcnow()
    return found


def candidates(bureau_id: int, year: int, compilation: date, settings: dict
               ) -> tuple[Decimal | None, list[Candidate]]:
    """Every proposal the rules make from the results of `year` (and the county's balance
    ratio, when final accounts were recorded)."""
    graded = list(from_key_evaluations(bureau_id, year, settings))
    average, balance_cuts = from_final_accounts(bureau_id, year, settings)
    finance = finance_graded(bureau_id, year)
    return average, [*graded, *from_self_evaluations(bureau_id, year, finance),
                     *from_monitoring(bureau_id, year), *from_ledger(bureau_id, year, compilation),
                     *balance_cuts, *from_balances(bureau_id, year, compilation, settings)]


def generate_proposals(user: User, raw) -> Generated:
    """Run the rules on the source year's results and start one instance per new proposal."""
    if not can_propose(user):
        raise Forbidden(Msg("only the performance section generates result applications"))
    bureau = bureau_of(user)
    settings = rule_settings(bureau)
    cleaned = validate_generation(raw, settings)
    definition = _definition()
    found = _round(user, bureau, cleaned)
    average, proposals = candidates(bureau.id, found.source_year, found.compilation_date,
                                    settings)
    found.county_ratio = average.quantize(Decimal("0.0001")) if average is not None else None
    known = {_key(a) for a in db.scalars(select(ResultApplication).where(
        ResultApplication.round_id == found.id))}
    added = 0
    for candidate in proposals:
        if candidate.key in known:
            continue
        known.add(candidate.key)
        _start(definition, found, candidate, user)
        added += 1
    record(user.id, "result_application_round", found.id, "generate",
           after={"added": added, "candidates": len(proposals),
                  "compilation_date": found.compilation_date.isoformat()})
    return Generated(found, added, len(proposals) - added)


def _key(a: ResultApplication) -> tuple:
    return (a.rule_id, a.source_type, a.source_id, a.project_id, a.unit_id, a.action)


def _definition():
    definition = latest_definition(PROCESS_KEY)
    if definition is None:
        raise Conflict(Msg("the result application process has not been deployed"))
    return definition


def _with_text(basis: dict, text: Msg | str) -> dict:
    """The figures, and the rule's sentence as its template and parameters (read back by
    basis_message in the reader's language); basis_text keeps it in English for the API."""
    if not isinstance(text, Msg):
        return basis
    return {**basis, "text": {"template": text.template, "params": dict(text.params)}}


def _start(definition, found: ResultApplicationRound, c: Candidate,
           user: User) -> ResultApplication:
    application = ResultApplication(
        bureau_id=found.bureau_id, round_id=found.id, target_year=found.target_year,
        source_type=c.source_type, source_id=c.source_id, unit_id=c.unit_id,
        project_id=c.project_id, special_fund_id=c.special_fund_id, rule_id=c.rule_id,
        action=c.action, pct=c.pct, base_amount=c.base_amount, budget_effect=c.budget_effect,
        basis=_with_text(c.basis, c.basis_text), basis_text=str(c.basis_text),
        status="proposed", proposed_by_id=user.id)
    db.add(application)
    db.flush()
    unit = db.get(BudgetUnit, c.unit_id)
    project = db.get(Project, c.project_id) if c.project_id else None
    instance = runtime.start_instance(
        definition, actor_id=user.id, business_key=f"{PROCESS_KEY}:{application.id}",
        subject=f"{project.name if project else unit.name} · {found.target_year}",
        unit_id=unit.id, data={"application_id": application.id,
                               "review_due_at": due_in(db.get(FinanceBureau, found.bureau_id),
                                                       "result_review_days")})
    application.instance_id = instance.id
    record(user.id, KIND, application.id, "propose",
           after={"rule": c.rule_id, "action": c.action, "budget_effect":
                  str(application.budget_effect) if application.budget_effect is not None
                  else None, "basis": c.basis})
    return application


def add_proposal(user: User, found: ResultApplicationRound, raw) -> ResultApplication:
    """A discretionary proposal of the performance section (DOMAIN f step 3): an investment
    review before disbursement, a revision of the fund's rules, a policy adjustment…"""
    if not can_propose(user):
        raise Forbidden(Msg("only the performance section adds result applications"))
    raw = raw if isinstance(raw, dict) else {}
    errors: dict[str, list] = {}
    action = choice(raw, "action", DISCRETIONARY_ACTIONS, errors)
    reason = text(raw, "basis_text", errors, required=True, limit=2000)
    project = db.get(Project, positive_id(raw.get("project_id")) or 0) \
        if raw.get("project_id") not in (None, "") else None
    unit = project.unit if project is not None else db.get(
        BudgetUnit, positive_id(raw.get("unit_id")) or 0)
    if unit is None or unit.bureau_id != found.bureau_id:
        errors["unit_id"] = [Msg("choose the unit (or a project) concerned")]
    pct = None
    if action == "reduce_pct":
        pct = decimal(raw.get("pct"), "pct", errors, places=2, low=Decimal("0.01"),
                      high=Decimal(100))
    base = amount(raw, "base_amount", errors, required=action == "reduce_pct")
    if errors:
        raise InvalidInput(Msg("the proposal has errors"), errors)
    candidate = Candidate("discretionary", action, "discretionary", 0, unit.id,
                          project.id if project else None, pct=pct,
                          base_amount=base if base is not None else (
                              project.year_amount if project else None),
                          basis={"by": user.id}, basis_text=reason)
    return _start(_definition(), found, candidate, user)
