"""People: organisers, partner users and door staff, invitations, roles, and host
organisations."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from nclw.accounts import invitations
from nclw.accounts import services as accounts
from nclw.accounts.forms import ChangeRoleForm, InviteForm
from nclw.accounts.models import AccountToken, Role, User, role_wording
from nclw.backoffice import queries
from nclw.backoffice.forms import OrganisationForm
from nclw.backoffice.views._blueprint import bp
from nclw.events import services as events
from nclw.events.models import Organisation, OrganisationKind
from nclw.extensions import db
from nclw.timezones import utcnow
from nclw.web import form_page, run_form, run_service


def _organisation_choices() -> list[SelectChoice]:
    return [SelectChoice(0, _("Choose an organisation"))] + [
        SelectChoice(o.id, o.name) for o in queries.organisations()
    ]


def _organisation(organisation_id: int | None) -> Organisation | None:
    # 0 is "Choose an organisation": none chosen.
    return db.session.get(Organisation, organisation_id) if organisation_id else None


@bp.route("/people", methods=["GET", "POST"])
def people():
    """Everyone who can sign in: invite, deactivate, see pending invitations."""
    form = InviteForm()
    form.organisation_id.choices = _organisation_choices()
    invited = run_form(
        form,
        lambda: invitations.invite_user(
            form.email.data,
            role=Role(form.role.data),
            organisation=_organisation(form.organisation_id.data),
            actor=current_user,
            now=utcnow(),
        ),
        _("Invitation sent to %(email)s. The link works for 7 days.", email=form.email.data),
    )
    if invited.ok:
        return redirect(url_for("backoffice.people"))
    return form_page(
        "backoffice/people.html",
        form,
        organisation_form=OrganisationForm(),
        users=accounts.list_users(),
        invitations=invitations.pending_invitations(now=utcnow()),
    )


@bp.post("/people/<int:user_id>/active")
def set_active(user_id: int):
    """Stop a user signing in, or let them again."""
    user = db.get_or_404(User, user_id)
    active = request.form.get("active") == "1"
    run_service(
        lambda: accounts.set_user_active(user, active, actor=current_user, now=utcnow()),
        _("%(email)s can sign in again.", email=user.email)
        if active
        else _("%(email)s can no longer sign in.", email=user.email),
    )
    return redirect(url_for("backoffice.people"))


@bp.post("/people/invitations/<int:token_id>/withdraw")
def withdraw_invitation(token_id: int):
    """Stop an invitation working before it is used."""
    token = db.get_or_404(AccountToken, token_id)
    run_service(
        lambda: invitations.withdraw_invitation(token, actor=current_user, now=utcnow()),
        _("The invitation to %(email)s no longer works.", email=token.email),
    )
    return redirect(url_for("backoffice.people"))


def _role_form(user: User) -> ChangeRoleForm:
    current = {"role": user.role.value, "organisation_id": user.organisation_id or 0}
    # On a POST the form reads what was sent; otherwise it starts from the user's role now.
    form = ChangeRoleForm(data=None if request.method == "POST" else current)
    form.organisation_id.choices = _organisation_choices()
    return form


@bp.route("/people/<int:user_id>/role", methods=["GET", "POST"])
def change_role(user_id: int):
    """Make someone an organiser, a partner user or door staff, after showing what that
    changes."""
    person = db.get_or_404(User, user_id)
    form = _role_form(person)
    if form.validate_on_submit():
        role = Role(form.role.data)
        # Only a partner user belongs to an organisation; an organiser's choice is ignored.
        organisation = _organisation(form.organisation_id.data) if role == Role.PARTNER else None
        wording = role_wording(role, organisation)
        if not accounts.role_would_change(person, role, organisation):
            flash(
                _(
                    "Nothing changed: %(email)s is already %(role)s.",
                    email=person.email,
                    role=wording,
                ),
                "info",
            )
            return redirect(url_for("backoffice.people"))
        if form.confirmed.data != "yes":
            return render_template(
                "backoffice/role_confirm.html", form=form, person=person, wording=wording
            )
        changed = run_service(
            lambda: accounts.change_role(
                person, role, organisation=organisation, actor=current_user, now=utcnow()
            ),
            _(
                "%(email)s is now %(role)s. They are signed out, and their new role "
                "applies when they sign in again.",
                email=person.email,
                role=wording,
            ),
            errors=form.form_errors,
        )
        if changed.ok:
            return redirect(url_for("backoffice.people"))
    return form_page("backoffice/role.html", form, person=person)


@bp.post("/organisations")
def add_organisation():
    """Add a host organisation, so its events and partner users can be set up."""
    form = OrganisationForm()
    if not form.validate_on_submit():
        flash(_("Enter the organisation's name and kind."), "error")
        return redirect(url_for("backoffice.people"))
    run_service(
        lambda: events.create_organisation(
            form.name.data, OrganisationKind(form.kind.data), actor=current_user, now=utcnow()
        ),
        _("%(name)s added.", name=form.name.data),
    )
    return redirect(url_for("backoffice.people"))
