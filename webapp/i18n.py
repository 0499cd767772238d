"""Domain messages (workflows.messages.Msg) shown in the interface language."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext

from workflows.messages import Msg


def translate(message):
    """A Msg in the interface language (English if its translation breaks); others unchanged."""
    if not isinstance(message, Msg):
        return message
    text = gettext(message.template)
    try:
        return text % message.params if message.params else text
    except (KeyError, ValueError, TypeError):
        current_app.logger.warning("bad translation of %r", message.template)
        return str(message)


def translate_errors(errors: dict | None) -> dict | None:
    """Field path → messages of an InvalidInput, each message translated."""
    if not errors:
        return errors
    return {field: [translate(m) for m in messages] if isinstance(messages, list)
            else translate(messages) for field, messages in errors.items()}
