"""Catalogues: extract the site's strings, update each language, compile, and check them.

    python -m tools.translations extract   # translations/messages.pot from the code
    python -m tools.translations update    # every language's .po from the .pot
    python -m tools.translations compile   # .po to .mo (what the site reads)
    python -m tools.translations check     # every shipped catalogue complete, none empty
    python -m tools.translations pseudo DIR  # the pseudo-locale the tests render in
    python -m tools.translations missing LANG [PATH...]  # a .po of what still needs translating
    python -m tools.translations fill LANG FILE.po       # take in a translator's draft

`make translations` runs extract, update and compile; `make run` and `make test` compile.
Welsh covers the whole site. Arabic covers the young person's journey (nclw.i18n.JOURNEY),
so its catalogue holds only those strings, and pages outside it are written in English.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from nclw import i18n

ROOT = Path(__file__).resolve().parent.parent
DIRECTORY = ROOT / "translations"
TEMPLATE = DIRECTORY / "messages.pot"
LANGUAGES = ("cy", "ar")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "lazy_ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    # nclw.i18n.plural_forms: a counted phrase in every plural form, for a script.
    "plural_forms": (1, 2),
}
# Wraps every string in the pseudo-locale, so a test can see text that escaped translation.
PSEUDO_OPEN, PSEUDO_CLOSE = "⟪", "⟫"


def extract() -> Catalog:
    """Every translatable string in the code and templates, with where it is used."""
    with open(ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    catalog = Catalog(project="NCLW Events", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
        # Babel skips folders starting with "_" by default: templates/_macros holds strings.
        directory_filter=lambda path: not Path(path).name.startswith("."),
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _in_journey(message) -> bool:
    return any(i18n.in_journey(filename) for filename, _ in message.locations)


def template_for(code: str, template: Catalog) -> Catalog:
    """The strings a language's catalogue holds: all of them, or only the journey's."""
    if i18n.language(code).whole_site:
        return template
    journey = Catalog(project=template.project, charset="utf-8")
    for message in template:
        if message.id and _in_journey(message):
            journey[message.id] = message
    return journey


def _po_path(language: str) -> Path:
    return DIRECTORY / language / "LC_MESSAGES" / "messages.po"


def read(language: str) -> Catalog:
    path = _po_path(language)
    if not path.exists():
        return Catalog(locale=language, project="NCLW Events", charset="utf-8")
    with open(path, "rb") as po:
        return read_po(po, locale=language)


def write(language: str, catalog: Catalog) -> None:
    path = _po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Sorted and without line numbers: a change to the code moves nothing in the .po.
    with open(path, "wb") as po:
        write_po(po, catalog, width=0, no_location=True, sort_output=True, ignore_obsolete=True)


def update(template: Catalog) -> None:
    for language in LANGUAGES:
        catalog = read(language)
        catalog.update(template_for(language, template), no_fuzzy_matching=True)
        write(language, catalog)


def fill(language: str, source: Path) -> int:
    """Copy translations from another .po (a translator's draft) into a language's catalogue."""
    catalog = read(language)
    with open(source, "rb") as po:
        draft = read_po(po, locale=language)
    filled = 0
    for message in draft:
        if not message.id or not message.string:
            continue
        ours = catalog.get(message.id, message.context)
        if ours is None:
            catalog.add(message.id, message.string, context=message.context)
            filled += 1
        elif not _translated(ours):
            ours.string = message.string
            filled += 1
    write(language, catalog)
    return filled


def _translated(message) -> bool:
    if isinstance(message.string, tuple | list):
        return all(message.string)
    return bool(message.string)


def _drafts(language: str) -> list[Catalog]:
    drafts = []
    for path in sorted((DIRECTORY / "drafts").glob(f"*.{language}.po")):
        with open(path, "rb") as po:
            drafts.append(read_po(po, locale=language))
    return drafts


def missing(language: str, paths: list[str]) -> Catalog:
    """The strings used under `paths` (all, if none) that neither the language's catalogue
    nor a draft in translations/drafts/ translates: a skeleton for a translator."""
    template = template_for(language, extract())
    known = [read(language), *_drafts(language)]
    wanted = Catalog(locale=language, project="NCLW Events", charset="utf-8")
    for message in template:
        if not message.id:
            continue
        if paths and not any(f.startswith(tuple(paths)) for f, _ in message.locations):
            continue
        if any(
            (ours := catalog.get(message.id, message.context)) is not None and _translated(ours)
            for catalog in known
        ):
            continue
        wanted[message.id] = message
        wanted.get(message.id, message.context).string = (
            ("",) * wanted.num_plurals if isinstance(message.id, tuple | list) else ""
        )
    return wanted


def compile_all() -> None:
    for language in LANGUAGES:
        catalog = read(language)
        with open(_po_path(language).with_suffix(".mo"), "wb") as mo:
            write_mo(mo, catalog)


def problems(template: Catalog) -> list[str]:
    """What stops a catalogue shipping: a missing or empty translation, a lost placeholder."""
    found = []
    for language in LANGUAGES:
        catalog = read(language)
        for message in template_for(language, template):
            if not message.id:
                continue
            ours = catalog.get(message.id, message.context)
            if ours is None or not _translated(ours):
                found.append(f"{language}: no translation for {message.id!r}")
            elif ours.fuzzy:
                found.append(f"{language}: fuzzy translation for {message.id!r}")
            else:
                found.extend(f"{language}: {error}" for error in _placeholder_errors(message, ours))
    return found


def _forms(value) -> tuple:
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def _placeholder_errors(message, translated) -> list[str]:
    pattern = re.compile(r"%\((\w+)\)[sd]")
    ids = _forms(message.id)
    strings = _forms(translated.string)
    wanted = set(pattern.findall(ids[-1]))
    errors = []
    for string in strings:
        unknown = set(pattern.findall(string)) - wanted
        if unknown:
            errors.append(f"{message.id!r} uses unknown placeholders {sorted(unknown)}")
    return errors


def _wrap(text: str) -> str:
    return f"{PSEUDO_OPEN}{text}{PSEUDO_CLOSE}"


def pseudo(directory: Path, template: Catalog | None = None) -> Path:
    """Write the pseudo-locale: English with every string wrapped in markers.

    It is written as an English catalogue, so pages and emails in English (the tests'
    default) come out wrapped, whatever language a ticket remembers as English.
    """
    template = template or extract()
    catalog = Catalog(locale="en", charset="utf-8")
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            string = tuple(_wrap(part) for part in message.id)
        else:
            string = _wrap(message.id)
        catalog.add(message.id, string, context=message.context)
    out = directory / "en" / "LC_MESSAGES" / "messages.mo"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as mo:
        write_mo(mo, catalog)
    return directory


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    if command == "extract":
        with open(TEMPLATE, "wb") as pot:
            write_po(pot, extract(), width=0, sort_output=True)
    elif command == "update":
        update(extract())
    elif command == "compile":
        compile_all()
    elif command == "fill":
        print(f"{fill(argv[1], Path(argv[2]))} translations added to {argv[1]}")
    elif command == "missing":
        write_po(sys.stdout.buffer, missing(argv[1], argv[2:]), width=0, sort_output=True)
    elif command == "check":
        found = problems(extract())
        for problem in found:
            print(problem)
        return 1 if found else 0
    elif command == "pseudo":
        pseudo(Path(argv[1]))
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
