"""Plain information pages, the site's icon, and the pictures a shared link shows."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
    send_from_directory,
)

from nclw.events import services
from nclw.pages import share_image, sharing, statements
from nclw.timezones import utcnow
from nclw.web import or_404

bp = Blueprint("pages", __name__)
bp.add_app_template_global(sharing.head_meta, "head_meta")
bp.add_app_template_global(sharing.week_description, "week_description")
# Shared pictures are fetched by every chat app a link is pasted into: let them keep it an
# hour, then ask again (an unchanged picture is a 304 with no body).
SHARE_IMAGE_MAX_AGE = 3600


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


@bp.get("/favicon.ico")
def favicon():
    """The icon browsers ask for at the root, whatever the page says."""
    return send_from_directory(
        current_app.static_folder + "/icons", "favicon.ico", mimetype="image/vnd.microsoft.icon"
    )


@bp.get("/events/<slug>/share.png")
def event_share_image(slug: str):
    """The picture a link to a published (or cancelled) event shows in a chat."""
    event = or_404(services.get_public_event(slug))
    return _share_image(share_image.event_card(event))


@bp.get("/week/share.png")
def week_share_image():
    """The picture a link to the week's page shows in a chat."""
    return _share_image(share_image.week_card(services.current_edition(today=utcnow().date())))


@bp.get("/weeks/<int:year>/share.png")
def past_week_share_image(year: int):
    """The picture a link to an earlier week's page shows in a chat."""
    edition = or_404(services.edition_for_year(year))
    return _share_image(share_image.week_card(edition))


def _share_image(card: share_image.ShareCard) -> Response:
    response = Response(mimetype="image/png")
    response.set_etag(card.etag)
    response.cache_control.public = True
    response.cache_control.max_age = SHARE_IMAGE_MAX_AGE
    if request.if_none_match.contains(card.etag):
        response.status_code = 304  # the reader has this picture: no need to draw it
        return response
    response.set_data(share_image.draw(card))
    return response
