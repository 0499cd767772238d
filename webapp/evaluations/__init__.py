"""Key evaluation pages: the list and results (views), proposals (propose) and the process's
task pages (tasks)."""

from flask import Blueprint

bp = Blueprint("evaluations", __name__)

from . import propose, tasks, views  # noqa: E402, F401 - routes on the blueprint
