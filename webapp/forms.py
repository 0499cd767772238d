"""Task forms: posted fields → workflow payloads, and workflow errors → fields to show them on."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from werkzeug.datastructures import MultiDict
from wtforms import FieldList, Form, FormField, StringField, TextAreaField

from models import GoalSheet, RectificationItem, Task
from workflows.goal_review import GATES, RATING_REQUIRED

from .generated_fields import posted_data, with_generated

SHEET_FORM = "jixiao:goal_sheet"
REVIEW_FORM = "jixiao:goal_review"
RECT_PLAN = "jixiao:rect_plan"
RECT_PLAN_REVIEW = "jixiao:rect_plan_review"
RECT_EVIDENCE = "jixiao:rect_evidence"
RECT_VERIFY = "jixiao:rect_verify"
RECT_SIGN_OFF = "jixiao:rect_sign_off"
RECT_INTERVIEW = "jixiao:rect_interview"
INDICATOR_FIELDS = ("level1", "level2", "name", "operator", "target_value", "target_max",
                    "target_text", "unit_of_measure", "weight")
MAX_INDICATORS = 100


class IndicatorRowForm(Form):
    """One indicator row; names are `indicators-<i>-<field>` inside the sheet form."""

    level1 = StringField()
    level2 = StringField()
    name = StringField()
    operator = StringField()
    target_value = StringField()
    target_max = StringField()
    target_text = StringField()
    unit_of_measure = StringField()
    weight = StringField()


@dataclass
class SheetRow:
    """What the template needs to draw one indicator row."""

    index: int | str
    values: dict
    errors: dict = field(default_factory=dict)
    row_errors: list = field(default_factory=list)


def _plain(value) -> str:
    """A stored value as the user would type it (12, not 12.0000)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return str(value)


def _messages(value) -> list:
    """A field's messages as a list; Msg objects are kept so the template can translate them."""
    return [m if isinstance(m, str) else str(m) for m in (
        value if isinstance(value, list) else [value])]


def _wan(yuan) -> str:
    """Yuan as 万元 text for the form."""
    return "" if yuan is None else format(Decimal(yuan) / 10000, "f").rstrip("0").rstrip(".")


def wan_text(yuan) -> str:
    """Yuan as 万元 text for an input (12.5, not 12.500000)."""
    return "" if yuan is None else format((Decimal(yuan) / 10000).normalize(), "f")


def yuan_from_wan(wan: str | None):
    """万元 text back to yuan; text that is not a number goes through for the server to refuse."""
    text = (wan or "").strip()
    if not text:
        return None
    try:
        return str(Decimal(text) * 10000)
    except InvalidOperation:
        return text


def engagement_payload(form) -> dict:
    """A posted engagement of a firm (firm, terms in 万元, team, signed declaration)."""
    fields = ("firm_id", "procurement_method", "contract_date", "start_date", "end_date",
              "lead_evaluator_user_id")
    return {**{k: form.get(k) for k in fields},
            "contract_amount": yuan_from_wan(form.get("contract_amount_wan")),
            "team_user_ids": [int(v) if v.isdecimal() else v
                              for v in form.getlist("team_user_ids")],
            "coi_signed": form.get("coi_signed") in ("on", "true", "1")}


def _is_blank(row: dict) -> bool:
    return not any((row.get(k) or "").strip() for k in INDICATOR_FIELDS)


class GoalSheetForm(Form):
    """The filer's goal sheet: overall goal plus indicator rows (R7 is checked by workflows)."""

    overall_goal = TextAreaField()
    amount_wan = StringField()  # shown and typed in 万元; the payload carries yuan
    indicators = FieldList(FormField(IndicatorRowForm), min_entries=1, max_entries=MAX_INDICATORS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet_errors: list[str] = []
        self.row_errors: dict[int, list[str]] = {}

    @classmethod
    def from_sheet(cls, sheet: GoalSheet | None) -> GoalSheetForm:
        """Prefilled with the sheet's current contents (one empty row when it has none)."""
        if sheet is None:
            return cls()
        rows = [{k: _plain(getattr(ind, k)) for k in INDICATOR_FIELDS} for ind in sheet.indicators]
        return cls(data={"overall_goal": sheet.overall_goal or "", "indicators": rows,
                         "amount_wan": _wan(sheet.amount)})

    @classmethod
    def from_post(cls, formdata: MultiDict) -> GoalSheetForm:
        """Parse the posted fields; fully blank rows are dropped and rows renumbered 0..n-1."""
        posted = cls(formdata)
        rows = [{k: entry.data.get(k) or "" for k in INDICATOR_FIELDS}
                for entry in posted.indicators.entries]
        rows = [r for r in rows if not _is_blank(r)]
        return cls(data={"overall_goal": posted.overall_goal.data or "", "indicators": rows,
                         "amount_wan": (posted.amount_wan.data or "").strip()})

    def to_payload(self) -> dict:
        """The fill-task payload of workflows.goal_review."""
        rows = [{k: entry.data.get(k) or "" for k in INDICATOR_FIELDS}
                for entry in self.indicators.entries]
        return {"sheet": {"overall_goal": self.overall_goal.data or "",
                          "indicators": [r for r in rows if not _is_blank(r)],
                          "amount": yuan_from_wan(self.amount_wan.data)}}

    def attach_errors(self, errors: dict) -> None:
        """Put `sheet.indicators.2.target_value`-style messages on the fields they concern."""
        entries = self.indicators.entries
        for key, messages in errors.items():
            messages = _messages(messages)
            parts = key.split(".")
            if key == "sheet.overall_goal":
                self.overall_goal.errors = messages
            elif key == "sheet.amount":
                self.amount_wan.errors = messages
            elif len(parts) == 4 and parts[:2] == ["sheet", "indicators"] and parts[2].isdigit() \
                    and int(parts[2]) < len(entries):
                row = int(parts[2])
                target = getattr(entries[row].form, parts[3], None)
                if parts[3] in INDICATOR_FIELDS and target is not None:
                    target.errors = messages
                else:
                    self.row_errors.setdefault(row, []).extend(messages)
            else:
                self.sheet_errors.extend(messages)

    def rows(self) -> list[SheetRow]:
        """The indicator rows with their values and errors, for the template."""
        out = []
        for i, entry in enumerate(self.indicators.entries):
            values = {k: entry.form[k].data or "" for k in INDICATOR_FIELDS}
            errors = {k: list(entry.form[k].errors) for k in INDICATOR_FIELDS
                      if entry.form[k].errors}
            out.append(SheetRow(i, values, errors, self.row_errors.get(i, [])))
        return out

    @staticmethod
    def blank_row() -> SheetRow:
        """The row template app.js copies, with the `__i__` index placeholder."""
        return SheetRow("__i__", dict.fromkeys(INDICATOR_FIELDS, ""))

    @property
    def has_errors(self) -> bool:
        """True once errors have been attached."""
        return bool(self.sheet_errors or self.row_errors or self.overall_goal.errors or any(
            r.errors for r in self.rows()))


class ReviewForm(Form):
    """A gate's decision, rating and comment."""

    decision = StringField()
    rating = StringField()
    comment = TextAreaField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.general_errors: list[str] = []

    def to_payload(self) -> dict:
        """The review-task payload of workflows.goal_review."""
        return {"decision": (self.decision.data or "").strip() or None,
                "rating": (self.rating.data or "").strip() or None,
                "comment": self.comment.data or ""}

    def attach_errors(self, errors: dict) -> None:
        """Put messages on decision/rating/comment; anything else is shown above the form."""
        for key, messages in errors.items():
            messages = _messages(messages)
            if key in ("decision", "rating", "comment"):
                self[key].errors = messages
            else:
                self.general_errors.extend(messages)


SHOWN_APART = ("evidence",)  # the evidence card shows why a submission lacks files


class RectForm(Form):
    """A rectification task: fields named like the payload keys of workflows.rectification."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.other_errors: dict[str, list] = {}

    @classmethod
    def from_item(cls, item: RectificationItem | None) -> RectForm:
        """An empty form; forms that edit the item prefill from it."""
        return cls()

    def to_payload(self) -> dict:
        """The posted fields, trimmed; an empty decision is no decision."""
        payload = {name: (f.data or "").strip() for name, f in self._fields.items()}
        if "decision" in payload:
            payload["decision"] = payload["decision"] or None
        return payload

    def attach_errors(self, errors: dict) -> None:
        """Messages on the fields they name; others (such as `evidence`) kept by key."""
        for key, messages in errors.items():
            if key in self._fields:
                self[key].errors = _messages(messages)
            else:
                self.other_errors.setdefault(key, []).extend(_messages(messages))

    def errors_of(self, key: str) -> list:
        """Messages about something that is not a field (`evidence`: the files)."""
        return self.other_errors.get(key, [])

    @property
    def general_errors(self) -> list:
        """Messages shown above the form: those of no field and not shown elsewhere."""
        return [m for key, messages in self.other_errors.items() if key not in SHOWN_APART
                for m in messages]


class RectPlanForm(RectForm):
    """The unit's measures, responsible person and plan date."""

    measures = TextAreaField()
    responsible_person = StringField()
    planned_completion = StringField()

    @classmethod
    def from_item(cls, item: RectificationItem | None) -> RectPlanForm:
        """Prefilled with what the item holds (a returned plan comes back as it was)."""
        if item is None:
            return cls()
        planned = item.planned_completion
        return cls(data={"measures": item.measures or "",
                         "responsible_person": item.responsible_person or "",
                         "planned_completion": planned.isoformat() if planned else ""})


class RectDecisionForm(RectForm):
    """A decision with a comment (plan review, verification, sign-off)."""

    decision = StringField()
    comment = TextAreaField()


class RectEvidenceForm(RectForm):
    """The unit's submission: a comment; the files are uploaded beforehand."""

    comment = TextAreaField()


class RectInterviewForm(RectForm):
    """The bureau leader's interview record, or an extension instead."""

    decision = StringField()
    interviewee_person = StringField()
    interviewer = StringField()
    held_at = StringField()
    commitments = TextAreaField()
    follow_up_deadline = StringField()
    new_deadline = StringField()
    comment = TextAreaField()

    @classmethod
    def from_item(cls, item: RectificationItem | None) -> RectInterviewForm:
        """The interviewee defaults to the item's responsible person."""
        return cls(data={"interviewee_person": item.responsible_person if item else ""})


RECT_FORMS: dict[str, type[RectForm]] = {
    RECT_PLAN: RectPlanForm, RECT_PLAN_REVIEW: RectDecisionForm, RECT_EVIDENCE: RectEvidenceForm,
    RECT_VERIFY: RectDecisionForm, RECT_SIGN_OFF: RectDecisionForm,
    RECT_INTERVIEW: RectInterviewForm,
}


def rating_required(task: Task) -> bool:
    """Gates 2 and 3 must rate the sheet."""
    return GATES.get(task.task_key) in RATING_REQUIRED


def task_form(task: Task, record: GoalSheet | RectificationItem | None,
              formdata: MultiDict | None = None):
    """The form object of a task's form key: prefilled from its record on GET, parsed from a
    POST."""
    if task.form_key == SHEET_FORM:
        return GoalSheetForm.from_post(formdata) if formdata is not None \
            else GoalSheetForm.from_sheet(record)
    if task.form_key == REVIEW_FORM:
        return ReviewForm(formdata)
    rect = RECT_FORMS.get(task.form_key)
    if rect is not None:
        return rect(formdata) if formdata is not None else rect.from_item(record)
    return None


def task_payload(form, formdata: MultiDict, task: Task) -> dict:
    """The payload to complete a task with: its domain form's, plus the diagram's generated
    fields under `data`."""
    if form is not None:
        return with_generated(form.to_payload(), task, formdata)
    return {"data": posted_data(task, formdata)}


def safe_next(target: str | None, default: str) -> str:
    """A local path to go back to, never another site."""
    if target and target.startswith("/") and not target.startswith("//") \
            and not urlsplit(target).netloc and "\\" not in target:
        return target
    return default
