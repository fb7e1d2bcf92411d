"""Every string a person reads goes through the catalogues (the pseudo-locale shows any that
escaped)."""

from __future__ import annotations

from tests.factories import make_edition
from tests.support.pseudo import outside_markers, untranslated


def test_the_pseudo_locale_finds_text_that_escaped_translation():
    assert untranslated("<p>⟪Sign up⟫</p>") == []
    assert untranslated("<p>⟪Sign up⟫ now</p>") == ["now"]
    assert untranslated('<img alt="A heart">') == ["A heart"]
    assert untranslated("<p>⟪Held on %s⟫ Wednesday 28 October</p>") == []
    assert untranslated("<p>⟪Hello ⟪Sam⟫⟫ Sam</p>", allowed=["Sam"]) == []
    assert untranslated("<script>var words = 'not shown'</script>") == []
    assert outside_markers("a⟪b⟪c⟫d⟫e") == "a    e"


def test_the_week_page_is_all_translated(pseudo_app):
    make_edition()
    html = pseudo_app.test_client().get("/").get_data(as_text=True)
    assert "⟪" in html
    assert untranslated(html) == [], untranslated(html)
