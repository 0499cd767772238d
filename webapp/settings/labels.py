"""What each rule setting, group and choice is called on the settings page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

GROUP_LABELS = {
    "ex_ante": _l("Ex-ante assessment (R5)"),
    "goals": _l("Goal sheets (R6, R7, R13)"),
    "monitoring": _l("Double monitoring (R14)"),
    "evaluation": _l("Self-evaluation and key evaluation (R4, R16, R17)"),
    "firms": _l("Third-party firms (R18, R22)"),
    "results": _l("Result application (R23–R26, R33)"),
}
SETTING_LABELS = {
    "ex_ante_threshold": _l("New projects at or above this amount need an ex-ante assessment "
                            "(0 = every new project)"),
    "ex_ante_leader_threshold": _l("The bureau leader approves an assessment at or above this "
                                   "amount"),
    "ex_ante_scope": _l("Projects assessed"),
    "ex_ante_support_score": _l("Total score that supports a project"),
    "ex_ante_revision_score": _l("Total score that supports it with revision"),
    "goal_sheet_threshold": _l("Projects at or above this amount need a goal sheet (0 = all)"),
    "min_indicators": _l("Fewest indicators on a goal sheet"),
    "issuance_days": _l("Days to issue goals after the congress approves the budget"),
    "sub_issuance_days": _l("Days for departments to issue goals to their sub-units"),
    "issuance_warning_days": _l("Warn the budget section this many days before"),
    "resubmit_from": _l("A sheet returned at gate 3 is resubmitted to"),
    "gap_threshold_pp": _l("Flag a report when time progress exceeds execution by more than "
                           "(percentage points)"),
    "severe_threshold_pct": _l("Propose a reduction below this execution rate (%)"),
    "poor_cut_pct": _l("Cut of a special fund graded poor (%)"),
    "fair_cut_pct": _l("Cut of a project graded fair (%)"),
    "balance_margin_pp": _l("Balance ratio above the county average by more than (percentage "
                            "points)"),
    "balance_cut_pct": _l("… cuts next year's operating funds by (%)"),
    "balance_average": _l("County average of the balance ratio"),
    "idle_years": _l("Unspent project funds are idle after (years)"),
    "result_target": _l("Results apply to the budget of"),
    "ex_ante_fill_days": _l("The unit fills in its application within"),
    "ex_ante_leader_days": _l("The unit leader approves it within"),
    "ex_ante_check_days": _l("The liaison cadre checks it is complete within"),
    "ex_ante_mode_days": _l("The performance section chooses the mode within"),
    "ex_ante_score_days": _l("The assessor scores it within"),
    "ex_ante_approve_days": _l("The conclusion is approved within"),
    "ex_ante_revise_days": _l("The unit revises a project supported with revision within"),
    "monitoring_leader_days": _l("The unit leader approves a monitoring report within"),
    "monitoring_liaison_days": _l("The liaison cadre reviews it within"),
    "monitoring_decide_days": _l("The performance section decides on a flagged report within"),
    "monitoring_approve_days": _l("The bureau leader approves a fund action within"),
    "monitoring_execute_days": _l("The budget section executes it within"),
    "result_review_days": _l("The performance section reviews a proposal within"),
    "result_comment_days": _l("The section chief comments within"),
    "result_approve_days": _l("The bureau leader approves it within"),
    "result_apply_days": _l("The budget section applies it within"),
    "key_consultation_days": _l("The audit bureau answers a consultation within"),
    "key_plan_days": _l("The firm submits its evaluation plan within"),
    "key_data_days": _l("The unit supplies the evaluation data within"),
    "key_feedback_days": _l("The unit gives its feedback on the draft within"),
    "spot_check_pct": _l("Share of self-evaluations drawn for the spot check (%)"),
    "weight_execution": _l("Self-evaluation weight: budget execution"),
    "weight_output": _l("Self-evaluation weight: output indicators"),
    "weight_benefit": _l("Self-evaluation weight: benefit indicators"),
    "weight_satisfaction": _l("Self-evaluation weight: satisfaction indicators"),
    "quality_plan_quality": _l("Firm quality weight: evaluation plan"),
    "quality_fieldwork_compliance": _l("Firm quality weight: fieldwork compliance"),
    "quality_evidence_sufficiency": _l("Firm quality weight: sufficiency of evidence"),
    "quality_report_quality": _l("Firm quality weight: report quality"),
    "quality_timeliness": _l("Firm quality weight: timeliness"),
    "quality_integrity_confidentiality": _l("Firm quality weight: integrity and "
                                             "confidentiality"),
    "firm_read_grace_days": _l("Days a closed engagement's team may still read (R18)"),
}
CHOICE_LABELS = {
    "new_only": _l("new projects only"),
    "new_and_expiring_renewals": _l("new projects and expiring renewals"),
    "section": _l("the expenditure section (gate 2)"),
    "returning_gate": _l("the gate that returned it"),
    "weighted": _l("weighted: total balances ÷ total expenditure"),
    "mean": _l("simple mean of the units' ratios"),
    "next_open": _l("next year while its budget is open, else the year after"),
    "second_next": _l("always the year after next (N+2)"),
}
KIND_UNITS = {"yuan": _l("yuan"), "percent": "%", "int": "", "workdays": _l("working days")}
