"""Plain information pages."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

bp = Blueprint("pages", __name__)


@bp.get("/privacy")
def privacy():
    """Explain what we collect, why, who sees it and how long we keep it."""
    return render_template(
        "pages/privacy.html", retention_days=current_app.config["RETENTION_DAYS"]
    )


@bp.get("/support")
def support():
    """Point care-experienced young people to free support."""
    return render_template("pages/support.html")


@bp.get("/accessibility")
def accessibility():
    """Say how accessible the site is and how to report a problem."""
    return render_template("pages/accessibility.html")
