"""NCLW Events: the event and registration site for National Care Leavers' Week."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config_overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, error pages."""
    from nclw import cli, config, errors, security
    from nclw.accounts.email_links import ACCOUNT_EMAILS
    from nclw.accounts.two_step_views import bp as two_step_bp
    from nclw.accounts.views import bp as accounts_bp
    from nclw.api.views import bp as api_bp
    from nclw.backoffice.views import bp as backoffice_bp
    from nclw.door.views import bp as door_bp
    from nclw.events.localised import init_localised
    from nclw.events.shortcut import SharedPageShortcut
    from nclw.events.views import bp as events_bp
    from nclw.extensions import init_extensions
    from nclw.feedback.report_section import feedback_section
    from nclw.feedback.views import bp as feedback_bp
    from nclw.http_cache import init_http_cache
    from nclw.i18n import LanguagePrefix, init_i18n
    from nclw.mail.outbox import use_send_time_composer
    from nclw.mail.sender import init_mail_sender
    from nclw.mail.views import bp as mail_bp
    from nclw.ops.views import bp as ops_bp
    from nclw.pages.views import bp as pages_bp
    from nclw.partners.question_views import bp as partner_questions_bp
    from nclw.partners.review_views import bp as proposal_review_bp
    from nclw.partners.views import bp as partners_bp
    from nclw.questions.services import ask_first_question, withdraw_ticket_questions
    from nclw.questions.views import bp as questions_bp
    from nclw.registrations.booking_views import bp as bookings_bp
    from nclw.registrations.language_views import bp as ticket_language_bp
    from nclw.registrations.lost_tickets import LOST_TICKET_EMAILS
    from nclw.registrations.personal_data import use_question_withdrawer
    from nclw.registrations.send_time import SEND_TIME_COMPOSER
    from nclw.registrations.slot_views import bp as slots_bp
    from nclw.registrations.supporter_views import bp as supporters_bp
    from nclw.registrations.views import bp as registrations_bp
    from nclw.registrations.views import use_first_question_sender
    from nclw.reports.sections import add_report_section
    from nclw.request_log import init_request_log
    from nclw.templating import init_templating
    from nclw.web import DatabaseIdConverter

    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=config.instance_path(),
    )
    app.config.update(config.load_settings(app.instance_path))
    if config_overrides:
        app.config.update(config_overrides)
    config.by_environment(app.config)
    config.refuse_weak_secret(app.config)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PROJECT_ROOT / "translations"))

    init_extensions(app)
    init_i18n(app)
    init_request_log(app)
    # Registered after the request log and before the security headers, so it runs after
    # every view's and the security headers' say, and a 304 is logged as a 304.
    init_http_cache(app)
    init_templating(app)
    init_localised(app)
    security.init_security(app)
    errors.init_error_pages(app)
    cli.init_cli(app)
    init_mail_sender(app)
    # The outbox writes sign-up emails, resets and sign-in links when it sends them; the
    # tickets' and the accounts' own rules say how.
    use_send_time_composer(app, SEND_TIME_COMPOSER)
    use_send_time_composer(app, ACCOUNT_EMAILS)
    use_send_time_composer(app, LOST_TICKET_EMAILS)
    # The sign-up form may carry a first question for the live Q&A.
    use_first_question_sender(app, ask_first_question)
    # Deleting one's details from a ticket withdraws the questions sent from it.
    use_question_withdrawer(app, withdraw_ticket_questions)
    # An event's report shows what the people who came said of it.
    add_report_section(app, feedback_section)

    # Before any route is added: every <int:...> in a URL is an id a column can hold.
    app.url_map.converters["int"] = DatabaseIdConverter
    for blueprint in (
        pages_bp,
        events_bp,
        registrations_bp,
        bookings_bp,
        supporters_bp,
        slots_bp,
        ticket_language_bp,
        questions_bp,
        feedback_bp,
        accounts_bp,
        two_step_bp,
        backoffice_bp,
        door_bp,
        partners_bp,
        proposal_review_bp,
        partner_questions_bp,
        api_bp,
        mail_bp,
        ops_bp,
    ):
        app.register_blueprint(blueprint)
    # Cookie-less visits to the week page are answered from its render cache.
    app.wsgi_app = SharedPageShortcut(app.wsgi_app, app)
    # Before the shortcut: `/cy/` chooses Welsh for everything after it, the shortcut included.
    app.wsgi_app = LanguagePrefix(app.wsgi_app)
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        # Outermost, so everything after it (rate limits, logs, cookies) sees the client's
        # own address and scheme, as the trusted proxies saw them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    return app
