"""User-facing messages that are English text and can still be translated by the web layer."""

from __future__ import annotations


class Msg(str):
    """The English message itself, keeping its template and parameters for translation.

    `Msg("weights sum to %(total)s", total=90)` equals "weights sum to 90", so logs, the JSON
    API and string comparisons see plain English; the web layer looks up `template` in its
    catalog and formats it with `params`. `pybabel extract -k Msg` collects the templates.
    """

    template: str
    params: dict

    def __new__(cls, template: str, **params) -> Msg:
        text = super().__new__(cls, template % params if params else template)
        text.template, text.params = template, params
        return text

    @classmethod
    def stored(cls, template: str, params: dict | None = None) -> Msg:
        """A message read back from the database; it was written from a literal template."""
        return cls(template, **(params or {}))
