"""Saved message templates: list, save (from scratch or from a message), change, delete."""

from __future__ import annotations

from functools import partial

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from nclw.backoffice.message_forms import MessageTemplateForm
from nclw.backoffice.views._blueprint import bp
from nclw.extensions import db
from nclw.forms import ConfirmForm
from nclw.registrations import message_templates as templates
from nclw.registrations.models import MessageTemplate
from nclw.timezones import utcnow
from nclw.web import form_page, run_form, run_service

# Sent by "Save as a template" on the message page: fill this form in, save nothing yet.
FROM_MESSAGE = "from_message"


@bp.get("/message-templates")
def message_templates():
    """Every saved template."""
    return render_template(
        "backoffice/message_templates.html",
        templates=templates.message_templates(),
    )


@bp.route("/message-templates/new", methods=["GET", "POST"])
def new_message_template():
    """Save a message to start from again; reached from the message page with its words."""
    form = MessageTemplateForm()
    if request.form.get("action") == FROM_MESSAGE:
        words = MessageTemplateForm(formdata=None, subject=form.subject.data, body=form.body.data)
        return render_template("backoffice/message_template_form.html", form=words, template=None)
    return _template_form(form, None, templates.save_template)


@bp.route("/message-templates/<int:template_id>/edit", methods=["GET", "POST"])
def edit_message_template(template_id: int):
    """Change a saved template."""
    template = db.get_or_404(MessageTemplate, template_id)
    form = MessageTemplateForm(obj=template)
    return _template_form(form, template, partial(templates.edit_template, template))


def _template_form(form: MessageTemplateForm, template: MessageTemplate | None, save):
    """Save the template the form holds, or show the form again with what was typed."""
    done = run_form(
        form,
        lambda: save(
            form.name.data, form.subject.data, form.body.data, actor=current_user, now=utcnow()
        ),
        lambda saved: _("Template saved: %(name)s.", name=saved.name),
    )
    if done.ok:
        return redirect(url_for("backoffice.message_templates"))
    return form_page("backoffice/message_template_form.html", form, template=template)


@bp.post("/message-templates/<int:template_id>/delete")
def delete_message_template(template_id: int):
    """Delete a saved template; messages written from it stay as they are."""
    template = db.get_or_404(MessageTemplate, template_id)
    if ConfirmForm().validate_on_submit():
        name = template.name
        run_service(
            lambda: templates.delete_template(template, actor=current_user, now=utcnow()),
            _("Template deleted: %(name)s.", name=name),
        )
    return redirect(url_for("backoffice.message_templates"))
