from flask import Blueprint

bp = Blueprint("projects", __name__)
@bp.route("/projects")
def index():
    return "todo"
