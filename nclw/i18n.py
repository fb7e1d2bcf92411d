"""Languages: which one a page or an email is in, and how a person chooses it.

A language is chosen in the address: `/cy/week` is the week in Welsh, `/en/week` in
English, `/ar/...` in Arabic. The prefix is moved into the WSGI script name, so every link
the page builds with `url_for` stays in the same language, and a Welsh link can be shared
and cached like any other. An address without a prefix takes the browser's
`Accept-Language` as its first guess and answers `Vary: Accept-Language`.

English is the site's own language: a string with no translation shows in English.
"""

from __future__ import annotations

import fnmatch
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.core import Locale
from flask import (
    Flask,
    before_render_template,
    current_app,
    g,
    has_request_context,
    request,
    template_rendered,
)
from flask_babel import Babel, force_locale, get_locale, get_translations, refresh
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

# Set by `LanguagePrefix` on every request: the language code, and whether the address chose it.
ENVIRON_LANGUAGE = "nclw.language"
ENVIRON_CHOSEN = "nclw.language_chosen"


@dataclass(frozen=True)
class Language:
    code: str  # in the address and on tickets
    name: str  # in its own language, for the switch
    html_lang: str  # the page's lang attribute
    direction: str  # "ltr" or "rtl"
    # Whether the whole site is translated, or only the young person's journey.
    whole_site: bool = True


LANGUAGES = {
    "en": Language("en", "English", "en-GB", "ltr"),
    "cy": Language("cy", "Cymraeg", "cy", "ltr"),
    "ar": Language("ar", "العربية", "ar", "rtl", whole_site=False),
}
DEFAULT = "en"

# The young person's journey: week, event, sign-up, ticket, questions, support, the feedback
# survey, and their emails. A language that does not cover the whole site translates only
# the strings used in these files (tools/translations.py builds its catalogue from them), so
# only these pages are written in it.
JOURNEY = (
    "templates/base.html",
    "templates/_*.html",
    "templates/_macros/*",
    "templates/events/*",
    "templates/registrations/*",
    "templates/questions/*",
    "templates/mail/*",
    "templates/errors/*",
    # Where the header's "Get support" leads.
    "templates/pages/support.html",
    # The survey a ticket's holder is emailed after the event, saying no to it, and the
    # ticket's part about it.
    "templates/feedback/_ticket_panel.html",
    "templates/feedback/survey.html",
    "templates/feedback/thanks.html",
    "templates/feedback/closed.html",
    "templates/feedback/no_thanks.html",
    "templates/feedback/no_thanks_done.html",
    "nclw/feedback/views.py",
    "nclw/feedback/answering.py",
    "nclw/feedback/forms.py",
    "nclw/feedback/survey.py",
    "nclw/events/*",
    "nclw/registrations/*",
    "nclw/questions/*",
    "nclw/mail/*",
    "nclw/forms.py",
    "nclw/addresses.py",
    "nclw/timezones.py",
    "nclw/wording.py",
    "nclw/errors.py",
)
# Inside those folders, but someone else's pages: an adviser booking for young people, and
# the development mailbox.
NOT_JOURNEY = (
    "nclw/registrations/booking_*",
    "nclw/mail/views.py",
)
# Pages of the journey whose views live among other pages.
JOURNEY_VIEWS = frozenset({"pages.support"})
BACK_OFFICE = "/admin/"
_ROOT = Path(__file__).resolve().parent.parent


def language(code: str | None) -> Language:
    """The language for a code, English for anything unknown."""
    return LANGUAGES.get(code or DEFAULT, LANGUAGES[DEFAULT])


def guess(accept_language: str | None) -> str:
    """The browser's first choice among ours, else English."""
    if not accept_language:
        return DEFAULT
    accepted = parse_accept_header(accept_language, LanguageAccept)
    return accepted.best_match(list(LANGUAGES), default=DEFAULT) or DEFAULT


def split_prefix(path: str) -> tuple[str | None, str]:
    """('cy', '/week') for '/cy/week'; (None, path) when the path names no language."""
    for code in LANGUAGES:
        if path == f"/{code}" or path.startswith(f"/{code}/"):
            return code, path[len(code) + 1 :] or "/"
    return None, path


class LanguagePrefix:
    """WSGI middleware: read the language from the address (or guess it) before anything else."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        code, rest = split_prefix(environ.get("PATH_INFO", ""))
        if code is None:
            environ[ENVIRON_LANGUAGE] = guess(environ.get("HTTP_ACCEPT_LANGUAGE"))
            environ[ENVIRON_CHOSEN] = False
        else:
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + f"/{code}"
            environ["PATH_INFO"] = rest
            environ[ENVIRON_LANGUAGE] = code
            environ[ENVIRON_CHOSEN] = True
        return self.wsgi_app(environ, start_response)


def request_language() -> str:
    """The language of the current request's page (English outside a request)."""
    if not has_request_context():
        return DEFAULT
    return request.environ.get(ENVIRON_LANGUAGE, DEFAULT)


def current_language() -> str:
    """The language being written in now: the page's, or the one an email is forced into."""
    # Flask-Babel keeps the locale it chose (or was forced into) for the request; reading it
    # there skips its look-ups, which a page does dozens of times.
    spaces = g.get("_flask_babel") if g else None
    locale = getattr(spaces, "babel_locale", None) or get_locale()
    if locale is None:
        return DEFAULT
    code = locale.language
    return code if code in LANGUAGES else DEFAULT


def _translations():
    """The catalogue for the language being written in, found once per language per request.

    Flask-Babel finds it again for every string (its context, the locale, the locale's
    name, a dictionary), which cost a page of a hundred strings about a millisecond. This
    keeps the last one found beside Flask-Babel's own locale for the request, and finds it
    again when that locale changes (`force_locale`, for an email in a ticket's language).
    """
    spaces = g.get("_flask_babel")
    kept = getattr(spaces, "nclw_translations", None)
    if kept is not None and kept[0] is getattr(spaces, "babel_locale", None):
        return kept[1]
    translations = get_translations()
    spaces = g.get("_flask_babel")
    if spaces is not None:
        spaces.nclw_translations = (getattr(spaces, "babel_locale", None), translations)
    return translations


def _select_locale() -> str:
    return request_language()


def address_prefix(code: str) -> str:
    """What goes before a path for links in this language: '' for English, '/cy' for Welsh.

    English links carry no prefix, so every link sent before there were languages still
    means what it meant.
    """
    return "" if code == DEFAULT or code not in LANGUAGES else f"/{code}"


@cache
def in_journey(path: str) -> bool:
    """Whether a file ('templates/events/detail.html', 'nclw/events/views.py') is part of the
    young person's journey."""
    return any(fnmatch.fnmatch(path, pattern) for pattern in JOURNEY) and not any(
        fnmatch.fnmatch(path, pattern) for pattern in NOT_JOURNEY
    )


@cache
def _view_in_journey(endpoint: str, module: str, rule: str) -> bool:
    source = getattr(sys.modules.get(module), "__file__", None)
    if endpoint in JOURNEY_VIEWS:
        return True
    # The back office is for organisers, whatever area's module its view is in.
    if source is None or rule.startswith(BACK_OFFICE):
        return False
    try:
        return in_journey(Path(source).resolve().relative_to(_ROOT).as_posix())
    except ValueError:  # a view from outside the project (a library's)
        return False


def writes(code: str, template: str | None) -> bool:
    """Whether a page drawn from `template` (a name under templates/) is written in a language:
    every page is in a whole-site language, only the journey's in the others."""
    lang = LANGUAGES.get(code)
    if lang is None:
        return False
    return lang.whole_site or (template is not None and in_journey(f"templates/{template}"))


def switch_links(template: str | None = None) -> list[dict[str, str]]:
    """Links to this page in each other language it is written in, for the header (the GOV.UK
    pattern); `template` is the page's own template."""
    here = current_language()
    if request.method == "GET":
        path = request.full_path if request.query_string else request.path
    else:
        path = "/"  # a page shown after a form: its address answers only the form
    return [
        {"code": lang.code, "name": lang.name, "lang": lang.html_lang, "url": f"/{code}{path}"}
        for code, lang in LANGUAGES.items()
        if code != here and writes(code, template) and (lang.whole_site or _view_in_the_journey())
    ]


@pass_context
def _page_switch_links(context: Context) -> list[dict[str, str]]:
    # A page's context is named after the template the view rendered, whatever it extends.
    return switch_links(context.name)


def written_in(code: str) -> Markup:
    """Attributes for text written in language `code` on the page being written: `lang`,
    and `dir` where the page reads the other way (so an English full stop stays at the end
    of its sentence on an Arabic page). Nothing when the text is in the page's own language.
    """
    here, its = language(current_language()), language(code)
    if its.code == here.code:
        return Markup("")
    marks = Markup(' lang="{}"').format(its.code)
    if its.direction != here.direction:
        marks += Markup(' dir="{}"').format(its.direction)
    return marks


def in_site_language() -> Markup:
    """`written_in` for text typed in English (a week's theme, say)."""
    return written_in(DEFAULT)


def typed_in_english(text: object) -> Markup:
    """Words people type in English (a venue, a host's name, a sign-up question), escaped, in
    `<span lang="en">` on a page in another language; on an English page, just escaped."""
    marks = in_site_language()
    text = "" if text is None else text
    if not marks or not str(text):
        return escape(text)
    return Markup("<span{}>{}</span>").format(marks, text)


def plural_samples(code: str) -> dict[str, int]:
    """A count for each of a language's plural categories (CLDR's names: zero, one, two, few,
    many, other), the smallest that falls in it."""
    rule = Locale.parse(code).plural_form
    samples: dict[str, int] = {}
    for count in range(200):  # Arabic's last category to start, "other", starts at 100
        samples.setdefault(rule(count), count)
    return samples


def plural_forms(singular: str, plural: str) -> dict[str, str]:
    """A counted phrase (its count written `%(count)s`) in every plural form of the language
    being written in, for a script to choose from with the browser's `Intl.PluralRules`:
    keyed by category, with `{count}` where the number goes."""
    translations = _translations()
    return {
        category: translations.ungettext(singular, plural, count) % {"count": "{count}"}
        for category, count in plural_samples(current_language()).items()
    }


def _page_language() -> dict[str, str]:
    lang = language(current_language())
    return {"html_lang": lang.html_lang, "html_dir": lang.direction}


def _view_in_the_journey() -> bool:
    """Whether this request's view draws a page of the journey (an address that matched no
    view gets an error page, which is)."""
    view = request.endpoint and current_app.view_functions.get(request.endpoint)
    if not view or request.url_rule is None:
        return True
    return _view_in_journey(request.endpoint, view.__module__, request.url_rule.rule)


def _english_outside_the_language() -> None:
    # A request for a page outside its language's part of the site (an Arabic address outside
    # the young person's journey, reached from an Arabic page's links) is written wholly in
    # English: the words its view and forms make as well as its template's.
    code = request.environ.get(ENVIRON_LANGUAGE, DEFAULT)
    if not language(code).whole_site and not _view_in_the_journey():
        request.environ[ENVIRON_LANGUAGE] = DEFAULT
        refresh()


def _english_where_untranslated(app: Flask, template, context: dict, **_extra) -> None:
    # The same for a template outside the language's part of the site, whatever view draws
    # it: the whole page is English and marked so, not English words in an Arabic page, read
    # out by a screen reader as Arabic, under an Arabic header.
    if not has_request_context() or writes(current_language(), template.name):
        g.setdefault("nclw_page_locales", []).append(None)
        return
    english = force_locale(DEFAULT)
    english.__enter__()
    g.setdefault("nclw_page_locales", []).append(english)
    context.update(_page_language())


def _back_to_request_language(app: Flask, template, context: dict, **_extra) -> None:
    kept = g.get("nclw_page_locales")
    english = kept.pop() if kept else None
    if english is not None:
        english.__exit__(None, None, None)


def _vary_on_guess(response):
    # A page whose address names no language was written in the browser's: a cache must
    # keep one copy per Accept-Language.
    if has_request_context() and not request.environ.get(ENVIRON_CHOSEN, True):
        response.vary.add("Accept-Language")
    return response


def init_i18n(app: Flask) -> None:
    """Translations for pages and emails, and the language in every address."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/London")
    Babel(app, locale_selector=_select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: _translations().ugettext(string),
        ngettext=lambda singular, plural, n: _translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: _translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: _translations().unpgettext(
            context, singular, plural, n
        ),
        newstyle=True,
    )
    # `_` straight to the translating function: Jinja's alias looks it up and calls it
    # through the template context again, for every string on every page.
    app.jinja_env.globals["_"] = app.jinja_env.globals["gettext"]
    # `{% trans %}` blocks read as one line of text, however the template wraps them.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.after_request(_vary_on_guess)
    app.context_processor(_page_language)
    app.before_request(_english_outside_the_language)
    before_render_template.connect(_english_where_untranslated, app)
    template_rendered.connect(_back_to_request_language, app)
    app.jinja_env.globals["language_switch_links"] = _page_switch_links
    app.jinja_env.globals["in_site_language"] = in_site_language
    app.jinja_env.globals["plural_forms"] = plural_forms
    app.jinja_env.filters["typed_in_english"] = typed_in_english
