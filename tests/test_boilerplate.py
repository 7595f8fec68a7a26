"""Boilerplate stripping on the seeds against a hand-listed expectation, plus the generic rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer import InputError
from summarizer.article import from_text
from summarizer.boilerplate import load_rules, strip_boilerplate
from tests.conftest import SEEDS, load

# Per seed, by hand: every removed span (reason, its first words) and the kept paragraph count.
EXPECTED: dict[str, tuple[list[tuple[str, str]], int]] = {
    "000_58eb544191ba0126": ([("related_links", "Lesen Sie auch\n- 'Wendet sich")], 7),
    "001_921c84898896e6e9": (
        [
            ("photo_caption", "Nordkoreanischer Führer Kim Jong-un. (Foto: KCNA)"),
            ("ad_marker", "[Anzeige_2]"),
            ("source_line", "Quelle: https://vtcnews.vn/"),
            ("comment_counter", "Kommentar (0)"),
        ],
        9,
    ),
    "002_f6e8172e61975742": (
        [
            ("live_blog_teaser", "Verfolgen Sie unseren Liveblog zum Krieg in der Ukraine."),
            ("outlet_signature", "observador"),
        ],
        13,
    ),
    "003_98bd2a005b1adf2a": (
        [
            ("photo_caption", "Der nordkoreanische Führer Kim Jong Un (links) schüttelt"),
            ("ad_marker", "[Anzeige_2]"),
            ("source_line", "Quelle: https://baoquocte.vn/"),
            ("comment_counter", "Kommentar (0)"),
        ],
        9,
    ),
    "004_6e380d79710937dc": (
        [("comment_policy", "vielen Dank, dass Sie unseren Kommentar-Bereich nutzen.")],
        8,
    ),
}

# Lines that are boilerplate and must be gone from every cleaned seed.
BOILERPLATE_LINES = (
    "Lesen Sie auch",
    "Italien wird die Verteidigungsausgaben",
    "[Anzeige_2]",
    "Quelle: https://",
    "Kommentar (0)",
    "(Foto: KCNA)",
    "(Quelle: KCNA) |",
    "observador",
    "Verfolgen Sie unseren Liveblog",
    "Kommentar-Bereich",
    "Ihre Epoch Times - Redaktion",
    "Solche Kommentare werden wir nicht veröffentlichen",
)


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_seed_removals_match_the_hand_listed_expectation(stem: str) -> None:
    path = SEEDS / f"{stem}.txt"
    raw = path.read_text(encoding="utf-8")
    article = load(path)
    expected, paragraphs = EXPECTED[stem]
    assert [
        (r.reason, raw[r.start : r.end][: len(prefix)])
        for r, (_, prefix) in zip(article.removed, expected, strict=True)
    ] == expected
    assert len(article.paragraphs) == paragraphs


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_no_news_line_is_lost_and_no_boilerplate_kept(stem: str) -> None:
    path = SEEDS / f"{stem}.txt"
    raw = path.read_text(encoding="utf-8")
    article = load(path)
    removed_text = [raw[r.start : r.end] for r in article.removed]
    for line in raw.splitlines():
        line = line.strip()
        if not line:
            continue
        if any(line in chunk for chunk in removed_text):
            assert line not in article.paragraphs
        else:
            assert line in article.paragraphs, f"news line lost: {line[:60]}"
    for needle in BOILERPLATE_LINES:
        assert needle not in article.text


def test_the_comment_policy_goes_through_its_sign_off() -> None:
    article = load(SEEDS / "004_6e380d79710937dc.txt")
    assert article.text.endswith("Anfang August hatte er Gespräche in Teheran geführt. (afp)")
    assert article.agency_tags == ("afp",)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Mehr zum Thema\n- Erster Link\n- Zweiter Link", "related_links"),
        ("Das könnte Sie auch interessieren:\n• Link eins", "related_links"),
        ("Weiterlesen", "related_links"),
        ("Foto: dpa/Michael Kappeler", "photo_caption"),
        ("Bild: Reuters", "photo_caption"),
        ("Merkel am Rednerpult. (Foto: dpa)", "photo_caption"),
        ("Anzeige", "ad_marker"),
        ("Kommentare (12)", "comment_counter"),
        ("Alle Entwicklungen im Liveblog", "live_blog_teaser"),
    ],
)
def test_common_german_boilerplate_is_recognised(text: str, kind: str) -> None:
    raw = f"Der Minister sagte am Montag, die Lage sei ernst.\n{text}\nEr reiste danach ab."
    kept, removed, _ = strip_boilerplate(raw, load_rules())
    assert [r.reason for r in removed] == [kind]
    assert kept == "Der Minister sagte am Montag, die Lage sei ernst.\nEr reiste danach ab."


def test_agency_tags_are_recorded_and_kept_in_the_text() -> None:
    article = from_text("Berlin (dpa) - Der Minister trat zurück.\n\nEr äußerte sich nicht. (afp)")
    assert article.agency_tags == ("afp", "dpa")
    assert "(dpa)" in article.text and "(afp)" in article.text


def test_only_boilerplate_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="only boilerplate"):
        from_text("Lesen Sie auch\n- Link eins\n- Link zwei\nKommentar (0)")


def test_user_rules_are_added_and_change_the_preprocessing_version(tmp_path: Path) -> None:
    rules_file = tmp_path / "mine.toml"
    rules_file.write_text(
        'version = "1"\n[[rule]]\nkind = "newsletter"\npattern = \'^Newsletter abonnieren.*$\'\n'
    )
    text = "Der Minister trat zurück.\nNewsletter abonnieren und nichts verpassen!"
    plain = from_text(text)
    custom = from_text(text, rules=load_rules(rules_file))
    assert [r.reason for r in custom.removed] == ["newsletter"]
    assert plain.removed == ()
    assert custom.preprocessing != plain.preprocessing


def test_invalid_user_rules_are_rejected(tmp_path: Path) -> None:
    from summarizer import ConfigError

    bad = tmp_path / "bad.toml"
    bad.write_text('version = "1"\n[[rule]]\nkind = "x"\npattern = "(unclosed"\n')
    with pytest.raises(ConfigError, match="invalid regular expression"):
        load_rules(bad)
