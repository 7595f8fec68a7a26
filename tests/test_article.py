from pathlib import Path

import pytest

from summarizer import InputError
from summarizer.article import PARAGRAPH_SEPARATOR, decode, from_text
from tests.conftest import SEED_FILES, load


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.stem[:3])
def test_seed_sentences_index_the_cleaned_text(path: Path) -> None:
    article = load(path)
    assert article.language == "de"
    assert article.sha256 == __import__("hashlib").sha256(path.read_bytes()).hexdigest()
    assert len(article.text.split(PARAGRAPH_SEPARATOR)) == len(article.paragraphs)
    numbers = [s.number for s in article.sentences]
    assert numbers == list(range(1, len(numbers) + 1))
    for sentence in article.sentences:
        assert article.text[sentence.start : sentence.end] == sentence.text
        assert sentence.text in article.paragraphs[sentence.paragraph]


def test_german_ordinal_dates_do_not_split_sentences() -> None:
    article = load(Path("seeds/001_921c84898896e6e9.txt"))
    first = article.sentences[0].text
    assert "am 30. November mit dem russischen Verteidigungsminister" in first
    assert first.endswith("wie die Nachrichtenagentur KCNA berichtete.")


def test_titles_are_detected_only_when_headline_like() -> None:
    titled = {p.stem[:3]: load(p).title for p in SEED_FILES}
    assert (
        titled["000"]
        == "Kim Jong Un hat versprochen, Russland im Krieg gegen die Ukraine zu helfen."
    )
    assert titled["002"] == "Nordkoreanischer Staatschef gibt Putin „volle Unterstützung“"
    assert titled["004"].startswith("Staatsmedien: Nordkorea sichert Moskau")
    assert titled["001"] is None
    assert titled["003"] is None


def test_latin1_bytes_are_decoded() -> None:
    assert decode("Grüße aus Köln".encode("latin-1")) == "Grüße aus Köln"
    assert decode("\ufeffHallo".encode()) == "Hallo"


def test_binary_empty_and_oversized_inputs_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\x00\x01\x02PNG")
    with pytest.raises(InputError, match="binary"):
        load(binary)
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\t\n")
    with pytest.raises(InputError, match="empty"):
        load(empty)
    with pytest.raises(InputError, match="--max-chars"):
        from_text("Wort " * 100, max_chars=50)
    with pytest.raises(InputError, match="cannot read"):
        load(tmp_path / "missing.txt")


def test_english_text_is_detected() -> None:
    article = from_text("The minister said the talks were useful. He will return in May.")
    assert article.language == "en"
    assert len(article.sentences) == 2


def test_sentence_splitting_is_stable_across_threads() -> None:
    """pysbd keeps state per segmenter; concurrent loads once gave different splits."""
    from concurrent.futures import ThreadPoolExecutor

    expected = {p: load(p).sentences for p in SEED_FILES}
    with ThreadPoolExecutor(8) as pool:
        for _ in range(5):
            for path, article in zip(SEED_FILES * 4, pool.map(load, SEED_FILES * 4), strict=True):
                assert article.sentences == expected[path]
