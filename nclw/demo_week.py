"""The demo week's hosts and events, written from what the partners told us about their events."""

from __future__ import annotations

from calendar import FRIDAY, MONDAY, THURSDAY, TUESDAY, WEDNESDAY

from nclw.events.models import Audience, EventFormat, OrganisationKind, QuestionAskers

# (name, kind, whether a partner)
ORGANISATIONS = [
    ("The Care Leavers' Foundation", OrganisationKind.CHARITY, True),
    ("Children's Commissioner for England", OrganisationKind.PUBLIC_BODY, False),
    ("Accenture", OrganisationKind.EMPLOYER, True),
    ("Catch22", OrganisationKind.CHARITY, True),
    ("Luton Borough Council", OrganisationKind.COUNCIL, True),
    ("Action for Children", OrganisationKind.CHARITY, True),
]

# Each event: its address without the year, its host, when it is (the day of the week, then
# the times it starts and ends on a UK clock), its highlights and the rest of its details, as
# `demo._week_event` takes them. The rest of the demo finds them by their place in this list.
WEEK_EVENTS = [
    {
        "slug": "virtual-careers-session-accenture",
        "host": "Accenture",
        "when": (WEDNESDAY, (16, 0), (17, 30)),
        "title": "Virtual careers session with Accenture",
        "summary": (
            "Meet Accenture's apprentices and internships team online, "
            "get tips on CVs and interviews, and ask your questions live."
        ),
        "description": (
            "An online careers session just for young people in care and care leavers, "
            "run with Accenture. Apprentices will tell you how they got started. The "
            "internships team will talk about jobs in digital, design, consulting, data, "
            "software and cyber security. Bring your questions: there is a live Q&A at the end."
        ),
        "highlights": [
            "Hear from apprentices about what the job is really like",
            "Tips on writing your CV, filling in application forms and interviews",
            "Chat with the internships team about careers in digital and technology",
            "Learn the different routes people took into Accenture",
            "Ask your own questions in a live Q&A",
        ],
        "format": EventFormat.ONLINE,
        "online_url": "https://meet.example.org/nclw-accenture-careers",
        "capacity": 120,
        "audience": Audience.CARE_EXPERIENCED,
        "qa_enabled": True,
        "qa_askers": QuestionAskers.TICKET_HOLDERS,
    },
    {
        "slug": "together-national-conference",
        "host": "The Care Leavers' Foundation",
        "when": (FRIDAY, (9, 30), (16, 30)),
        "title": "TOGETHER: the National Care Leavers' Week conference",
        "summary": (
            "A full day for anyone whose work touches care leavers: practice, policy "
            "and how services work better together."
        ),
        "description": (
            "Our national conference, now in its fifteenth year. Sessions cover the "
            "Care Leavers Strategy, what councils offer through their local offer, "
            "innovation projects, and what happens when care leavers shape services "
            "themselves. There is time to meet other people doing the same work."
        ),
        "highlights": [
            "Talks on policy, practice and service design",
            "Examples of councils and charities working in partnership",
            "Care leavers sharing what made a difference to them",
            "Time to meet people from across the UK",
        ],
        "format": EventFormat.IN_PERSON,
        "venue_name": "Friends House",
        "address": "173 Euston Road, London NW1 2BJ",
        "capacity": 20,
        "audience": Audience.PROFESSIONALS,
        # A conference for people at work: sign-up asks "Are you 18 or over?".
        "min_age": 18,
        "access_features": "step_free,quiet_room,bsl",
    },
    {
        "slug": "benchmarking-forum-fair-offer",
        "host": "Catch22",
        "when": (THURSDAY, (10, 0), (15, 0)),
        "title": "Benchmarking Forum: A Fair Offer for All",
        "summary": (
            "Care leavers, councils and charities compare what support care leavers "
            "get in different places, and what a fair offer should include."
        ),
        "description": (
            "The National Leaving Care Benchmarking Forum, run by Catch22. Care leavers "
            "talk about what works in their area. We will look at driving lessons, "
            "wi-fi and travel costs, the leaving care grant, help with university, and "
            "support after 25. There is a networking session and stalls."
        ),
        "highlights": [
            "Hear what support care leavers get in different areas",
            "Share what works with other councils and charities",
            "Networking session and information stalls",
        ],
        "format": EventFormat.HYBRID,
        "venue_name": "Birmingham Council House",
        "address": "Victoria Square, Birmingham B1 1BB",
        "online_url": "https://meet.example.org/nclw-benchmarking-forum",
        "capacity": None,
        "audience": Audience.EVERYONE,
        "qa_enabled": True,
        "qa_askers": QuestionAskers.ANYONE,
    },
    {
        "slug": "luton-celebration-and-mentoring",
        "host": "Luton Borough Council",
        "when": (TUESDAY, (14, 0), (17, 0)),
        "title": "Luton care leavers' celebration and mentoring taster",
        "summary": (
            "Celebrate with Luton's care leavers and find out about the council's "
            "mentoring scheme, where senior staff help with jobs, courses and university."
        ),
        "description": (
            "An afternoon celebration for care leavers aged 18 to 25 in Luton. Meet "
            "mentors from the council's mentoring scheme, hear about the local offer "
            "and the support you can ask for, and enjoy food and music."
        ),
        "highlights": [
            "Meet mentors who can help with applications and confidence",
            "Find out what support Luton's local offer gives you",
            "Food, music and a warm welcome",
        ],
        "format": EventFormat.IN_PERSON,
        "venue_name": "Luton Town Hall",
        "address": "George Street, Luton LU1 2BQ",
        "capacity": 3,
        "audience": Audience.CARE_EXPERIENCED,
    },
    {
        "slug": "imo-podcast-live",
        "host": "Children's Commissioner for England",
        "when": (MONDAY, (18, 0), (19, 0)),
        "title": "IMO podcast: live recording",
        "summary": (
            "Join a live recording of the IMO podcast, where care leavers talk about "
            "the paths they took and what they want others to know."
        ),
        "description": (
            "IMO (\u201cin my opinion\u201d) shares real stories from young people with care "
            "experience. Watch a live recording online and send in questions for the guests."
        ),
        "highlights": [
            "Real stories from care leavers with different careers",
            "Send questions to the guests",
        ],
        "format": EventFormat.ONLINE,
        "online_url": "https://meet.example.org/imo-podcast-live",
        "capacity": 200,
        "audience": Audience.EVERYONE,
    },
]
