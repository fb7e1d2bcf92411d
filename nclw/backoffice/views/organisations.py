"""Host organisations: see each with its events and partner users, rename, merge."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from nclw.backoffice import queries
from nclw.backoffice.forms import MergeOrganisationForm, OrganisationForm, RenameOrganisationForm
from nclw.backoffice.views._blueprint import bp
from nclw.events import services as events
from nclw.events.models import Organisation
from nclw.extensions import db
from nclw.partners.organisations import merge_organisations, what_a_merge_moves
from nclw.timezones import utcnow
from nclw.web import form_status, run_service


@bp.get("/organisations")
def organisation_list():
    """Every host organisation, with what it holds."""
    return render_template(
        "backoffice/organisations.html",
        organisations=queries.organisations(),
        form=OrganisationForm(),
    )


def _merge_form(organisation: Organisation) -> MergeOrganisationForm:
    form = MergeOrganisationForm()
    form.into_id.choices = [SelectChoice(0, _("Choose the organisation to keep"))] + [
        SelectChoice(other.id, other.name)
        for other in queries.organisations()
        if other.id != organisation.id
    ]
    return form


def _organisation_page(organisation, rename, merge, status=200):
    page = render_template(
        "backoffice/organisation.html",
        organisation=organisation,
        people=queries.partner_users_of(organisation),
        rename=rename,
        merge=merge,
    )
    return page, status


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
def organisation(organisation_id: int):
    """One organisation: its events and partner users; rename it."""
    organisation = db.get_or_404(Organisation, organisation_id)
    rename = RenameOrganisationForm(obj=organisation)
    merge = _merge_form(organisation)
    if rename.validate_on_submit():
        renamed = run_service(
            lambda: events.rename_organisation(
                organisation, rename.name.data, actor=current_user, now=utcnow()
            ),
            _("The name is saved."),
            errors=rename.form_errors,
        )
        if renamed.ok:
            return redirect(url_for("backoffice.organisation", organisation_id=organisation_id))
    return _organisation_page(organisation, rename, merge, form_status(rename))


@bp.post("/organisations/<int:organisation_id>/merge")
def merge_organisation(organisation_id: int):
    """Merge an organisation entered twice into the one to keep."""
    organisation = db.get_or_404(Organisation, organisation_id)
    merge = _merge_form(organisation)
    if merge.validate_on_submit():
        into = db.get_or_404(Organisation, merge.into_id.data)
        if merge.confirmed.data != "yes":
            # A merge can't be undone: show what moves, and ask once more.
            return render_template(
                "backoffice/organisation_merge.html",
                organisation=organisation,
                into=into,
                moves=what_a_merge_moves(organisation, now=utcnow()),
                form=merge,
            )
        name = organisation.name
        merged = run_service(
            lambda: merge_organisations(organisation, into, actor=current_user, now=utcnow()),
            _("%(name)s is merged into %(into)s.", name=name, into=into.name),
            errors=merge.form_errors,
        )
        if merged.ok:
            return redirect(url_for("backoffice.organisation", organisation_id=into.id))
    rename = RenameOrganisationForm(obj=organisation, formdata=None)
    return _organisation_page(organisation, rename, merge, 400)
