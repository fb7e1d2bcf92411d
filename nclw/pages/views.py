"""Plain information pages."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from nclw.pages import statements

bp = Blueprint("pages", __name__)


@bp.get("/privacy")
def privacy():
    """The privacy notice: who is responsible, what we keep and why, and people's rights."""
    return render_template(
        "pages/privacy.html",
        retention_days=current_app.config["RETENTION_DAYS"],
        backup_days=current_app.config["BACKUP_KEEP_DAYS"],
    )


@bp.get("/support")
def support():
    """Point care-experienced young people to free support."""
    return render_template("pages/support.html")


@bp.get("/accessibility")
def accessibility():
    """The accessibility statement, in the GOV.UK model."""
    return render_template(
        "pages/accessibility.html",
        known_problems=statements.KNOWN_PROBLEMS,
        non_compliance=statements.NON_COMPLIANCE,
        prepared=statements.long_date(statements.PREPARED),
        reviewed=statements.long_date(statements.REVIEWED),
        next_review=statements.long_date(statements.NEXT_REVIEW),
        fix_by=statements.long_date(statements.FIX_BY),
    )
