from flask import Blueprint

bp = Blueprint("instances", __name__)
@bp.route("/instances")
def index():
    return "todo"
