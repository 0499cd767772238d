"""The administrators' process pages: list, versions, modeler, compare and migration."""

from . import editor, versions  # noqa: F401 - their routes join the blueprint
from .views import bp

__all__ = ["bp"]
