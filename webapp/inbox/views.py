from flask import Blueprint

bp = Blueprint("inbox", __name__)
@bp.route("/inbox")
def index():
    return "todo"
