"""Server-side validation of camunda:formData fields (the browser check is only a courtesy)."""

from __future__ import annotations

from datetime import date

from .errors import InvalidInput


def _convert(field: dict, raw):
    kind = field.get("type") or "string"
    if kind == "long":
        if isinstance(raw, bool):
            raise ValueError("must be a whole number")
        return int(raw)
    if kind == "boolean":
        if isinstance(raw, bool):
            return raw
        if str(raw).lower() in ("true", "1", "on", "yes"):
            return True
        if str(raw).lower() in ("false", "0", "off", "no", ""):
            return False
        raise ValueError("must be true or false")
    if kind == "date":
        return date.fromisoformat(str(raw)).isoformat()
    if kind == "enum":
        allowed = [v["id"] for v in field.get("values", [])]
        if str(raw) not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return str(raw)
    return str(raw)


def _constraint_errors(field: dict, value) -> list[str]:
    c = field.get("constraints") or {}
    errors = []
    if "min" in c and isinstance(value, int | float) and value < float(c["min"]):
        errors.append(f"must be at least {c['min']}")
    if "max" in c and isinstance(value, int | float) and value > float(c["max"]):
        errors.append(f"must be at most {c['max']}")
    if "minlength" in c and isinstance(value, str) and len(value) < int(c["minlength"]):
        errors.append(f"must have at least {c['minlength']} characters")
    if "maxlength" in c and isinstance(value, str) and len(value) > int(c["maxlength"]):
        errors.append(f"must have at most {c['maxlength']} characters")
    return errors


def validate_form_data(fields: list[dict], data: dict) -> dict:
    """Cleaned values of the declared fields, or InvalidInput with per-field messages."""
    if not isinstance(data, dict):
        raise InvalidInput("form data must be an object", {"data": ["must be an object"]})
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
                errors[fid] = ["this field is required"]
            continue
        try:
            value = _convert(field, raw)
        except (TypeError, ValueError) as exc:
            errors[fid] = [str(exc) if "must" in str(exc) else f"invalid {field.get('type')}"]
            continue
        problems = _constraint_errors(field, value)
        if problems:
            errors[fid] = problems
        else:
            cleaned[fid] = value
    unknown = set(data) - {f["id"] for f in fields}
    for name in sorted(unknown):
        errors[name] = ["unknown field"]
    if errors:
        raise InvalidInput("the form has errors", errors)
    return cleaned


def _free_variables(data: dict) -> dict:
    """A task without declared fields takes plain scalar variables, as Camunda does."""
    errors = {}
    if len(data) > 50:
        errors["data"] = ["at most 50 variables"]
    for key, value in data.items():
        if not (isinstance(key, str) and key.isidentifier() and not key.startswith("_")):
            errors[str(key)] = ["variable names must be identifiers not starting with '_'"]
        elif not isinstance(value, str | int | float | bool | type(None)):
            errors[key] = ["only text, numbers, booleans and null are accepted"]
        elif isinstance(value, str) and len(value) > 2000:
            errors[key] = ["at most 2000 characters"]
    if errors:
        raise InvalidInput("the form has errors", errors)
    return dict(data)
