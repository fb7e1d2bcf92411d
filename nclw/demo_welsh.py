"""Welsh text for some of the demo week's events, so a Welsh page shows both rules at work:
the Welsh where the organisers wrote it, and the English (marked as English) where they did not.

The conference and the Luton celebration have none, and the podcast has no Welsh description.
"""

from __future__ import annotations

from nclw.events.models import Event

# By the start of the event's address (the year follows it).
WELSH = {
    "virtual-careers-session-accenture-": {
        "title_cy": "Sesiwn gyrfaoedd ar-lein gydag Accenture",
        "summary_cy": (
            "Dewch i gwrdd â phrentisiaid a thîm interniaethau Accenture ar-lein, i gael "
            "cyngor ar CVs a chyfweliadau, ac i ofyn eich cwestiynau'n fyw."
        ),
        "description_cy": (
            "Sesiwn gyrfaoedd ar-lein i bobl ifanc mewn gofal a phobl sy'n gadael gofal yn "
            "unig, gydag Accenture. Bydd prentisiaid yn dweud sut y dechreuon nhw. Bydd y tîm "
            "interniaethau'n sôn am swyddi ym maes digidol, dylunio, ymgynghori, data, "
            "meddalwedd a seiberddiogelwch.\n\n"
            "Dewch â'ch cwestiynau: mae sesiwn holi ac ateb fyw ar y diwedd."
        ),
    },
    "benchmarking-forum-fair-offer-": {
        "title_cy": "Fforwm Meincnodi: Cynnig Teg i Bawb",
        "summary_cy": (
            "Bydd pobl sy'n gadael gofal, cynghorau ac elusennau'n cymharu'r cymorth sydd ar "
            "gael mewn gwahanol leoedd, a beth ddylai cynnig teg ei gynnwys."
        ),
        "description_cy": (
            "Fforwm Meincnodi Cenedlaethol ar gyfer Gadael Gofal, wedi'i redeg gan Catch22. "
            "Bydd pobl sy'n gadael gofal yn sôn am beth sy'n gweithio yn eu hardal nhw. "
            "Byddwn ni'n edrych ar wersi gyrru, costau wi-fi a theithio, y grant gadael gofal, "
            "help gyda'r brifysgol, a chymorth ar ôl 25 oed. Mae sesiwn rwydweithio a "
            "stondinau hefyd."
        ),
    },
    "imo-podcast-live-": {
        "title_cy": "Podlediad IMO: recordio byw",
        "summary_cy": (
            "Ymunwch â recordiad byw o bodlediad IMO, lle mae pobl sy'n gadael gofal yn sôn am "
            "y llwybrau maen nhw wedi'u dilyn, a beth maen nhw eisiau i eraill ei wybod."
        ),
    },
}


def welsh_text(events: list[Event]) -> None:
    """Give the events that have some their Welsh title, summary and description."""
    for event in events:
        for start, text in WELSH.items():
            if event.slug.startswith(start):
                for name, value in text.items():
                    setattr(event, name, value)
