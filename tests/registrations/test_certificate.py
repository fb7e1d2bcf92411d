"""The certificate of attendance: for people who came, and silent about care unless asked."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from nclw.errors import NotAllowed
from nclw.registrations.certificate import certificate_pdf, certificate_refusal, mentions_care
from nclw.registrations.models import RegistrationStatus
from nclw.timezones import utcnow
from tests.factories import make_event, make_organisation, make_registration


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _came(event, **overrides):
    return make_registration(event, checked_in_at=utcnow(), **overrides)


def test_a_certificate_names_the_person_the_event_the_day_and_the_host_and_not_care(app):
    host = make_organisation(name="Catch22")
    event = make_event(title="CV workshop", host=host)
    person = _came(event, first_name="Jordan")
    text = _text(certificate_pdf(person))
    assert "Certificate of attendance" in text
    assert "Jordan" in text and "CV workshop" in text and "Catch22" in text
    assert str(event.starts_at.year) in text
    assert "care" not in text.lower() and "NCLW" not in text


def test_the_week_is_mentioned_only_when_the_person_chooses(app):
    event = make_event(title="CV workshop")
    person = _came(event)
    text = _text(certificate_pdf(person, full_name="Jordan Taylor-Smith", mention_care=True))
    assert "Jordan Taylor-Smith" in text
    assert "National Care Leavers' Week" in text


def test_an_event_or_host_whose_name_mentions_care_is_left_off_by_default(app):
    host = make_organisation(name="Leaving Care Hub")
    event = make_event(title="Care leavers' careers evening", host=host)
    person = _came(event)
    assert mentions_care(event.title) and mentions_care(host.name)
    assert not mentions_care("Careers fair")
    plain = _text(certificate_pdf(person))
    assert "care" not in plain.lower() and "attended" in plain and "an event" in plain
    chosen = _text(certificate_pdf(person, mention_care=True))
    assert "Care leavers' careers evening" in chosen and "Leaving Care Hub" in chosen


def test_names_with_letters_beyond_english_print(app):
    person = _came(make_event(), first_name="Zoë")
    assert "Zoë" in _text(certificate_pdf(person, full_name="Zoë Łukasz"))


def test_only_people_who_were_checked_in_get_one(app):
    event = make_event()
    booked = make_registration(event)
    cancelled = _came(event, status=RegistrationStatus.CANCELLED)
    assert "checked in" in certificate_refusal(booked)
    assert "cancelled" in certificate_refusal(cancelled)
    with pytest.raises(NotAllowed):
        certificate_pdf(booked)


def test_the_ticket_page_links_to_the_certificate_for_people_who_came(client):
    event = make_event()
    person, booked = _came(event), make_registration(event)
    assert "Get a certificate of attendance" in client.get(f"/tickets/{person.link_token}").text
    assert "Get a certificate" not in client.get(f"/tickets/{booked.link_token}").text

    form = client.get(f"/tickets/{person.link_token}/certificate")
    assert form.status_code == 200 and "Mention National Care Leavers" in form.text
    pdf = client.post(
        f"/tickets/{person.link_token}/certificate", data={"full_name": "Jordan Taylor"}
    )
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Cache-Control"] == "no-store"
    assert "Jordan Taylor" in _text(pdf.data)

    refused = client.get(f"/tickets/{booked.link_token}/certificate")
    assert refused.status_code == 409 and "checked in" in refused.text
    too_long = client.post(
        f"/tickets/{person.link_token}/certificate", data={"full_name": "x" * 500}
    )
    assert too_long.status_code == 400 and "100 characters" in too_long.text
