"""Safe file names: property tests over arbitrary unicode (surrogates included)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings, strategies as st

from summarizer.filenames import MAX_NAME_BYTES, display, safe_name, safe_path

# Any code point, lone surrogates (as os.fsdecode makes from undecodable bytes) included.
any_text = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=400)
HOSTILE = [
    "../../escaped",
    "/tmp/ABS",
    "https://www.example.com/politik/x.html",
    "a\x00b",
    "x" * 300,
    "[/x]",
    "bad\udcff",
    "..",
    ".",
    "",
    "CON",
    "a\\b",
    "ä" * 200,
]


def _valid_name(name: str) -> None:
    assert name not in ("", ".", "..")
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert not any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in name)
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES


@settings(max_examples=500)
@given(any_text)
def test_every_id_becomes_a_valid_name_inside_the_folder(id: str) -> None:
    name = safe_name(id)
    _valid_name(name)
    assert safe_name(id) == name  # the same id, the same name, every time
    out = Path("/tmp/out")
    path = safe_path(out, id, ".json")
    assert path.resolve().parent == out.resolve()


@settings(max_examples=500)
@given(any_text, any_text)
def test_two_different_ids_never_share_a_name(a: str, b: str) -> None:
    if a != b:
        assert safe_name(a) != safe_name(b)


@given(st.sampled_from(HOSTILE), st.sampled_from(HOSTILE))
def test_hostile_ids_are_distinct_and_valid(a: str, b: str) -> None:
    _valid_name(safe_name(a))
    assert (safe_name(a) == safe_name(b)) == (a == b)


def test_clean_ids_are_kept_and_changed_ones_carry_a_hash() -> None:
    for clean in ("001_921c84898896e6e9", "report~2", "Bericht über Kiew", "a.b"):
        assert safe_name(clean) == clean
    assert safe_name("../../escaped").startswith("_.._escaped~")
    # An id that looks like a changed name is itself changed, so it cannot collide with one.
    lookalike = safe_name("../x")
    assert safe_name(lookalike) != lookalike


@given(any_text)
def test_display_text_is_valid_utf8(text: str) -> None:
    shown = display(text)
    shown.encode("utf-8")  # raises on a lone surrogate
    assert len(shown) == len(text)
