"""Server-side validation of camunda:formData fields (the browser check is only a courtesy)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .errors import InvalidInput
from .messages import Msg


@dataclass(frozen=True)
class FormField:
    """One generated form field of a user task, as the diagram declares it."""

    id: str
    label: str
    type: str
    default: str | None
    constraints: dict
    values: tuple[tuple[str, str], ...]  # enum options: (id, name)

    @property
    def required(self) -> bool:
        """A value must be given."""
        return "required" in self.constraints

    @property
    def readonly(self) -> bool:
        """Shown, never submitted."""
        return "readonly" in self.constraints

    def limit(self, name: str) -> str | None:
        """A constraint's configured value (min, max, minlength, maxlength)."""
        return self.constraints.get(name)


def form_fields(declared: list[dict]) -> list[FormField]:
    """The declared fields of a task (as stored at deploy) as FormField objects."""
    return [FormField(f["id"], f.get("label") or f["id"], f.get("type") or "string",
                      f.get("default"), dict(f.get("constraints") or {}),
                      tuple((v["id"], v.get("name") or v["id"]) for v in f.get("values", [])))
            for f in declared if f.get("id")]

MAX_LONG = 10**15  # a whole-number field holds amounts in 元, counts, years: far below this
MAX_TEXT = 2000  # a text field without its own maxlength

# What a value that cannot be converted is told, per camunda:formField type.
INVALID = {
    "long": Msg("must be a whole number"),
    "boolean": Msg("must be true or false"),
    "date": Msg("must be a date (YYYY-MM-DD)"),
    "enum": Msg("choose one of the listed options"),
}


def _convert(field: dict, raw):
    kind = field.get("type") or "string"
    if kind == "long":
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            raise ValueError(INVALID["long"])  # 10.9 is not a whole number, not 10
        value = int(raw.strip() if isinstance(raw, str) else raw)
        if abs(value) > MAX_LONG:
            raise ValueError(INVALID["long"])
        return value
    if kind == "boolean":
        if isinstance(raw, bool):
            return raw
        if str(raw).lower() in ("true", "1", "on", "yes"):
            return True
        if str(raw).lower() in ("false", "0", "off", "no", ""):
            return False
        raise ValueError(INVALID["boolean"])
    if kind == "date":
        return date.fromisoformat(str(raw)).isoformat()
    if kind == "enum":
        allowed = [v["id"] for v in field.get("values", [])]
        if str(raw) not in allowed:
            raise ValueError(INVALID["enum"])
        return str(raw)
    return str(raw)


def _constraint_errors(field: dict, value) -> list[str]:
    c = field.get("constraints") or {}
    errors = []
    if "min" in c and isinstance(value, int | float) and value < float(c["min"]):
        errors.append(Msg("must be at least %(min)s", min=c["min"]))
    if "max" in c and isinstance(value, int | float) and value > float(c["max"]):
        errors.append(Msg("must be at most %(max)s", max=c["max"]))
    if "minlength" in c and isinstance(value, str) and len(value) < int(c["minlength"]):
        errors.append(Msg("must have at least %(n)s characters", n=c["minlength"]))
    most = int(c["maxlength"]) if "maxlength" in c else MAX_TEXT
    if isinstance(value, str) and len(value) > most:
        errors.append(Msg("must have at most %(n)s characters", n=most))
    if "required" in c and value is False:
        errors.append(Msg("must be ticked"))  # a required checkbox is a confirmation
    return errors


def validate_form_data(fields: list[dict], data: dict) -> dict:
    """Cleaned values of the declared fields, or InvalidInput with per-field messages."""
    if not isinstance(data, dict):
        raise InvalidInput(Msg("form data must be an object"),
                           {"data": [Msg("must be an object")]})
    if not fields:
        return _free_variables(data)
    cleaned, errors = {}, {}
    for field in fields:
        fid, c = field["id"], field.get("constraints") or {}
        if "readonly" in c:
            continue
        raw = data.get(fid)
        if raw is None or raw == "":
            if "required" in c:
                errors[fid] = [Msg("this field is required")]
            continue
        try:
            value = _convert(field, raw)
        except (TypeError, ValueError, OverflowError):
            errors[fid] = [INVALID.get(field.get("type"), Msg("this value is not valid"))]
            continue
        problems = _constraint_errors(field, value)
        if problems:
            errors[fid] = problems
        else:
            cleaned[fid] = value
    unknown = set(data) - {f["id"] for f in fields}
    for name in sorted(unknown):
        errors[name] = [Msg("unknown field")]
    if errors:
        raise InvalidInput(Msg("the form has errors"), errors)
    return cleaned


def _free_variables(data: dict) -> dict:
    """A task without declared fields takes plain scalar variables, as Camunda does."""
    errors = {}
    if len(data) > 50:
        errors["data"] = [Msg("at most 50 variables")]
    for key, value in data.items():
        if not (isinstance(key, str) and key.isidentifier() and not key.startswith("_")):
            errors[str(key)] = [
                Msg("variable names must be identifiers not starting with '_'")]
        elif not isinstance(value, str | int | float | bool | type(None)):
            errors[key] = [Msg("only text, numbers, booleans and null are accepted")]
        elif isinstance(value, str) and len(value) > 2000:
            errors[key] = [Msg("at most 2000 characters")]
    if errors:
        raise InvalidInput(Msg("the form has errors"), errors)
    return dict(data)
