"""Attribution by code: who asserts each sentence (its cue, speaker) and the claim's kind.

German news names its sources in fixed ways: "laut KCNA", "nach Angaben des Ministeriums",
"Staatsmedien zufolge", "sagte Kim", "wie die Polizei mitteilte", quotation marks, and reported
speech in Konjunktiv I ("Die Lage sei ernst"), and a speech act by the sentence's subject
("Kim hat versprochen, ...", "Im Gegenzug sprach Schoigu Kim seinen Dank aus", "Er betonte, ...").
`find_cues` finds the cue phrases verbatim; `attribute` turns a sentence (and its English, when
aligned) into an `Attribution`: the cue as the source gives it, the speaker (in English where the
translation names it and the cue's name, a name in apposition to the cue, else the source's own
words), and the kind (`summarizer.claim_kind`). A quotation continues its speaker over its
sentences, and so does a sentence whose subject is "er" or "sie" after one that named its source;
Konjunktiv I, a pronoun subject's speech act ("Er betonte") and a cue that names no one ("laut den
Angaben") continue the chunk's last named speaker (before any: the next its paragraph names).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from summarizer import attribution_cues as _cues
from summarizer.claim_kind import Kind, kind_of, quoted_spans, turns_quotation, unquoted
from summarizer.place_names import english_place_names
from summarizer.source_nouns import source_noun

__all__ = ["OUTLET", "Attribution", "attribute", "attribute_all", "find_cues", "speech_subject"]

OUTLET = "the outlet"
"""The speaker of a sentence no one else is said to assert: the publication itself."""


@dataclass(frozen=True)
class Attribution:
    """Who asserts one sentence, as code reads it."""

    speaker: str
    """English where the translation names it, else the source's words (a foreign place by
    its English name); `OUTLET` if none."""
    cue: str
    """The cue phrase, verbatim from the sentence; "" when it has none of its own."""
    kind: Kind
    named: bool
    """Whether someone other than the outlet is named (by a cue, a subject, or continued)."""


def find_cues(sentence: str, language: str) -> list[str]:
    """Attribution phrases in `sentence`, verbatim, in order; none inside a quotation."""
    found: list[tuple[int, str]] = []
    quoted = quoted_spans(sentence)
    for pattern in _cues.PATTERNS.get(language, []):
        for match in unquoted(pattern, sentence, quoted):
            text, before = match.group(0).strip(), sentence[: match.start()].strip()
            if _cues.VERB_FIRST.match(text) and _cues.subject_before(before):
                continue  # "Ajit Pai hat die Bundesregierung gewarnt": an object, not a source
            if not any(start <= match.start() < start + len(t) for start, t in found):
                found.append((match.start(), text))
    return [text for _, text in sorted(found)]


def _english_speaker(english: str) -> str:
    quoted = quoted_spans(english)
    for pattern in _cues.EN_SPEAKER:
        if (match := next(unquoted(pattern, english, quoted), None)) is None:
            continue  # none, or only inside a quotation: the quoted words' speaker
        name = " ".join(match.group(1).split()).strip(" ,.'’\"“”„")
        name = re.sub(rf"(?:\s+(?:{_cues.EN_ADVERBS}|reports?|had|has|have))+$", "", name)
        name = re.sub(r"(?:'s|’s)$", "", name)
        # "spokesman Ruben Neugebauer of the German Press Agency": the person
        name = re.sub(rf"^(.*\b(?:{_cues.EN_TITLES})(?:\s+[A-Z][\w\-]+)+)\s+of\s.*$", r"\1", name)
        name = _tidy(name)
        if name and not (_cues.PRONOUN_START.match(name) and len(name.split()) <= 2):
            return name
    return ""


def _tidy(name: str) -> str:
    """A speaker without text up to a quotation mark, a description before "named", a
    conjunction before it ("as attorney X"), a relative pronoun at either end ("… named Yakubu
    Sabo who", "on which the RND"), a predicate after a name ("Jesus published …") or a day."""
    name = re.split(r"[\"“”„«»]", name)[-1]
    name = re.sub(r"^(?:as|while|when|after|because|and|but|or)\s+", "", name)  # "as attorney X"
    name = re.split(r"\b(?:named|called)\s+(?=[A-Z])", name)[-1]
    name = re.sub(r"^(?:(?:on|in|of|about|by|from|to|for|with)\s+)?(?:which|whom)\s+", "", name)
    name = re.sub(r"^([A-Z][^\s]*(?:\s+[A-Z][^\s]*)*)\s+[a-z]+ed\b.*$", r"\1", name)
    name = re.sub(r"\s+\w+ed\s+and$", "", name)  # "A man called and [said]" -> "A man"
    day = r"\s+(?:on|last|this)\s+(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b.*$"
    return re.sub(rf"(?:\s+(?:who|which|that|whom))+$|{day}", "", name.strip(" ,.;:'’"))


def _source_speaker(cue: str) -> str:
    """The name inside a cue, in the source's words: "laut KCNA" -> "KCNA"; for a document
    ("geht aus einer Liste des Ministeriums hervor") whose it is ("Ministeriums")."""
    if document := _cues.DOCUMENT_SOURCE.search(cue):
        return document.group("source")
    return " ".join(_cues.CUE_WORDS.sub(" ", cue).split()).strip(' ,.:„“"')


def _titled_name(source: str) -> str:
    """A name after a German title: the title in English ("Police spokesman X"), else left out."""
    words = source.split()
    at = max((i for i, w in enumerate(words[:-1]) if _cues.TITLED.search(w)), default=-1)
    if at < 0 or not _cues.PERSON.fullmatch(name := " ".join(words[at + 1 :])):
        return ""
    title = source_noun(" ".join(words[: at + 1]))
    return f"{title[:1].upper()}{title[1:]} {name}".strip()


def _stems(text: str) -> set[str]:
    """The first three letters of each content word of a name, folded ("Moskau" -> "mos")."""
    return {w[:3].casefold() for w in re.findall(r"[\w]{3,}", text) if w.casefold() != "the"}


def _names_in(speaker: str, sentence: str) -> bool:
    """Whether a speaker (in English) names something its source sentence names: a stem of
    one of its words in the sentence ("Shoigu" in "Schoigu", "Korean" in "südkoreanischen");
    a statement or report it cites names no one ("a statement made on Sunday")."""
    folded = sentence.casefold()
    words = re.sub(r"\b(?:an?|the)\s+(?:statement|report|announcement)\b.*", "", speaker)
    return any(stem in folded for stem in _stems(words))


def _english_form(name: str, english: str) -> str:
    """A source-language speaker as the English names it: the English noun phrase around a
    word of `name` ("nordkoreanische staatliche Nachrichtenagentur KCNA" in "... comes from
    the North Korean state news agency KCNA." -> "the North Korean state news agency KCNA");
    `name` itself when the English names none of its words, and the German noun's own
    English ("Pressesprecher" -> "spokesman") when the English has only part of it ("a
    press")."""
    words = english.split()
    keys = [w for w in re.findall(r"[\w\-]{3,}", name) if w[0].isupper()]
    verbatim = {w.strip(".,;:!?'’\"“”()") for w in words}
    for key in sorted(keys, key=lambda w: (w not in verbatim, not w.isupper(), -len(w))):
        for i, word in enumerate(words):
            if word.strip(".,;:!?'’\"“”()").casefold().startswith(key[:4].casefold()):
                start = i
                while start > 0 and i - start < 5:
                    previous = words[start - 1]
                    if previous.casefold() in _cues.STOP or previous.endswith((",", ";", ":", ".")):
                        break
                    start -= 1
                whole = word.strip(".,;:!?'’\"“”()").casefold() == key.casefold()
                end = i + 1  # "der Polarforscher": "the polar explorer", a compound's rest too
                while end < len(words) and end - i < 3 and _goes_on(words[end], end - i, whole):
                    end += 1
                phrase = _tidy(" ".join(words[start:end]))
                if not whole and phrase.islower() and (noun := source_noun(name)):
                    return noun  # "Pressesprecher" as "a press": the compound's own noun
                return phrase or name
    return name


def _in_english(speaker: str) -> str:
    """A speaker with each German name of a foreign place in English ("Moskaus" -> Moscow)."""
    return re.sub(r"(?:'s|’s)$", "", english_place_names(speaker))


def _goes_on(word: str, after: int, whole: bool) -> bool:
    """Whether a speaker phrase goes on to `word`: a name, or a compound's second word."""
    bare = word.strip(".,;:!?'’\"“”()")
    return word[:1].isupper() or (not whole and after == 1 and bare.isalpha())


def _proper_name(source: str, known: str) -> str:
    """The proper name in a cue's source ("Polizeisprecher Yakubu Sabo" -> "Yakubu Sabo"): its
    capitalised words that the English (`known`) has verbatim, from the first to the last;
    "" when it has none (a German noun is translated, a name is not)."""
    words, verbatim = source.split(), set(re.findall(r"[\w\-]+", known))
    kept = [i for i, w in enumerate(words) if w[:1].isupper() and w.strip(".,:;") in verbatim]
    return " ".join(words[kept[0] : kept[-1] + 1]) if kept else ""


def _speaking_subject(sentence: str, english: str) -> str:
    """The subject of a speech act ("Kim hat versprochen" -> "Kim"; "He" for a pronoun),
    read from the English where the source sentence has a verb of saying; "" if none."""
    if not english or not _cues.DE_SPEECH.search(sentence):
        return ""
    english = english.strip(" '\"“„")
    match = _cues.EN_SUBJECT.match(english) or _cues.EN_AND_SAID.match(english)
    if match is None:
        return ""
    subject = match.group("subject").strip(" ,")
    apposition = (match.groupdict().get("apposition") or "").strip()
    if apposition and all(w[:1].isupper() for w in apposition.split()):
        subject = apposition  # "The leader of North Korea, Kim Jong Un, has said" -> the name
    if subject.casefold() in _cues.PRONOUNS:
        return subject
    subject = _tidy(subject)  # "Jesus published private messages and [demanded]" -> "Jesus"
    if _cues.NOT_SUBJECT.search(subject) or not _names_in(subject, sentence):
        return ""
    return subject


def speech_subject(english: str) -> tuple[str, ...]:
    """Who an English sentence says speaks ("Sergei Shoigu, the Security Council
    secretary, informed ..." -> ("Sergei Shoigu", "the Security Council secretary")): the
    subject of a verb of saying at its start, with its apposition; () for none or a pronoun."""
    match = _cues.EN_SUBJECT.match(english.strip(" '\"“„"))
    if match is None:
        return ()
    subject = match.group("subject").strip(" ,")
    if subject.casefold() in _cues.PRONOUNS or _cues.NOT_SUBJECT.search(subject):
        return ()
    apposition = (match.groupdict().get("apposition") or "").strip()
    return (subject, apposition) if apposition else (subject,)


def _titled(speaker: str, earlier: str) -> str:
    """A speaker named only by a title ("the President of the DPRK") as the name the English
    gave that title before ("North Korean President Kim Jong Un" -> "Kim Jong Un"), or
    `speaker` itself when there is none."""
    match = _cues.TITLE_ONLY.match(speaker)
    if match is None or match.group("title").casefold() in _cues.PRONOUNS:
        return speaker
    title = re.escape(match.group("title"))
    names = re.findall(rf"\b{title}\s+((?:[A-Z][\w\-]+)(?:\s+[A-Z][\w\-]+){{0,2}})", earlier)
    return names[-1] if names else speaker


def _quoting(sentence: str) -> bool:
    """Whether `sentence` quotes someone: a quotation left open (its sentences go on) or
    closed on words ("quote" by `kind_of`); not one quoted term ("Seestern") or name."""
    return turns_quotation(sentence) or kind_of(sentence, named=True) == "quote"


_PERSONAL_START = re.compile(r"(?:Er|Sie)\s")
"""A German sentence whose subject is "er" or "sie" (or "Sie", they), first."""


def attribute(
    sentence: str,
    english: str,
    language: str,
    previous: Attribution | None = None,
    last_named: Attribution | None = None,
    known: str = "",
) -> Attribution:
    """The attribution of `sentence` (`english`: its translation, or ""); `previous`: the
    paragraph's sentence before it, whose speaker a cue-less quotation or Konjunktiv I
    sentence continues; `last_named`: the chunk's last sentence with a named speaker, whom a
    pronoun subject ("Er betonte"), a cue without a name ("laut den Angaben") or Konjunktiv I
    in any paragraph continues; `known`: the English before it, where the names a cue gives
    stand verbatim (a speaker the English puts in its place is another's: "laut KCNA" ->
    "KCNA", not "Russian President")."""
    cues = find_cues(sentence, language)
    continues = previous is not None and previous.named
    if cues and continues and _cues.CONTINUING_CUE.search(cues[0]):  # "heißt es in der Mitteilung"
        assert previous is not None
        return Attribution(previous.speaker, cues[0], kind_of(sentence, named=True), named=True)
    if cues:
        found = _english_speaker(english)
        source = _source_speaker(cues[0])
        if not _cues.GENERIC_SOURCE.sub("", source).strip() and last_named is not None:
            # "laut den Angaben", "dem Bericht zufolge": the source named before
            kind = kind_of(sentence, named=True)
            return Attribution(last_named.speaker, cues[0], kind, named=True)
        if age := _cues.AGE.fullmatch(source):  # "schrieb der 28-Jährige": the person named before
            person = last_named is not None and _cues.PERSON.fullmatch(last_named.speaker)
            found = last_named.speaker if person and last_named else f"the {age[1]}-year-old"
            return Attribution(found, cues[0], kind_of(sentence, named=True), named=True)
        heads = {w[:4].casefold() for w in re.findall(r"[\w\-]+", found)}  # a word of the name?
        name = _proper_name(source, f"{known} {english}")
        if name and not any(w[:4].casefold() in heads for w in name.split()):
            found = ""  # the English names another ("Parents who ... said"): the cue's name
        if not found or not _names_in(found, sentence):
            said_by, found = found, _english_form(source, english) if english else source
            noun = source_noun(source) if found == source else ""
            untranslated = source.casefold() not in english.casefold()
            shared = not noun or any(w in said_by.casefold() for w in noun.casefold().split())
            if found == source and said_by and untranslated and shared:
                found = said_by  # "Pressesprecher", untranslated: "a press spokesman"
            elif found == source:  # "das örtliche Nachrichtenportal": "news portal"
                found = noun or _titled_name(source) or source
        after = sentence[sentence.find(cues[0]) + len(cues[0]) :]
        if named_after := _cues.APPOSITION.match(after):  # "..., sagte der Gouverneur, Phil Scott."
            found = named_after.group(1)
        return Attribution(
            found or source or OUTLET, cues[0], kind_of(sentence, named=True), named=True
        )
    subject = _speaking_subject(sentence, english) if language != "en" else ""
    if subject.casefold() in _cues.PRONOUNS and last_named is not None:
        return Attribution(last_named.speaker, "", kind_of(sentence, named=True), named=True)
    if subject and subject.casefold() not in _cues.PRONOUNS:
        return Attribution(subject, "", kind_of(sentence, named=True), named=True)
    if continues and (
        _quoting(sentence)
        or _cues.CONTINUES.search(sentence)
        # "…, teilte die IUCN mit. Sie untersuchte …": the source the sentence before named
        or (_PERSONAL_START.match(sentence) and previous is not None and previous.cue)
    ):
        assert previous is not None
        return Attribution(previous.speaker, "", kind_of(sentence, named=True), named=True)
    if last_named is not None and _cues.CONTINUES.search(sentence):
        # Konjunktiv I is reported speech: in a new paragraph too, the last source goes on.
        return Attribution(last_named.speaker, "", kind_of(sentence, named=True), named=True)
    return Attribution(OUTLET, "", kind_of(sentence, named=False), named=False)


def attribute_all(
    sentences: Iterable[tuple[int, int, str]], english: dict[int, str], language: str
) -> dict[int, Attribution]:
    """Attributions of `(number, paragraph, text)` sentences by number, in order, each
    paragraph's speaker carried from one sentence to the next, and the last named speaker
    to a pronoun subject anywhere after it."""
    out: dict[int, Attribution] = {}
    previous: Attribution | None = None
    last_named: Attribution | None = None
    paragraph, previous_number, earlier, earlier_source = -1, -1, "", ""
    sentences = list(sentences)
    sentences_by_number = {number: text for number, _, text in sentences}
    for number, index, text in sentences:
        if index != paragraph:
            previous, paragraph = None, index
        got = attribute(text, english.get(number, ""), language, previous, last_named, earlier)
        if got.named and (name := _titled(got.speaker, earlier)) != got.speaker:
            got = Attribution(name, got.cue, got.kind, named=True)
        untitled = not got.cue or _cues.DE_TITLE_SUBJECT.match(got.cue)  # "Der Staatschef sagte"
        if untitled and (holder := _title_holder(text, earlier_source, last_named)):
            got = Attribution(holder, "", kind_of(text, named=True), named=True)
        earlier = f"{earlier} {english.get(number, '')}"
        earlier_source = f"{earlier_source} {text}"
        if previous is not None and got.cue and not previous.cue and _cues.BACKWARD.match(text):
            # "Kim hat ... mitgeteilt. Dies berichtet die KCNA.": the cue covers the sentence
            # before, whose source is then the one cited (relaying any speaker it names).
            kind = kind_of(sentences_by_number[previous_number], named=True)
            out[previous_number] = Attribution(got.speaker, "", kind, named=True)
        previous = out[number] = got
        previous_number = number
        last_named = got if got.named else last_named
    out = _named_ahead(_quotations(out, sentences), sentences)  # then places in English
    return {n: replace(a, speaker=_in_english(a.speaker)) for n, a in out.items()}


def _quotations(
    out: dict[int, Attribution], sentences: list[tuple[int, int, str]]
) -> dict[int, Attribution]:
    """A quotation over several sentences of a paragraph ("„Ich freue mich. Wir machen weiter.
    Man weiß nie.“, sagte Feige.") is its speaker's in every sentence: the one its closing
    (else its opening) sentence names, for the sentences with no cue of their own; a
    sentence without quotation marks of its own is its `report`."""
    span: list[tuple[int, str]] = []  # the open quotation's sentences
    for i, (number, paragraph, text) in enumerate(sentences):
        if span and paragraph != sentences[i - 1][1]:
            span = []  # a quotation left open ends with its paragraph
        turns = turns_quotation(text)
        if not (span or turns):
            continue
        span.append((number, text))
        if len(span) > 1 and turns:  # closed here
            named = [a for a in (out[span[-1][0]], out[span[0][0]]) if a.named and a.cue]
            for n, quoted in span if named else []:
                if not out[n].cue:
                    kind = kind_of(quoted, named=True)  # "quote" only with its marks
                    out[n] = Attribution(named[0].speaker, "", kind, named=True)
            span = []
    return out


def _title_holder(sentence: str, earlier: str, last_named: Attribution | None) -> str:
    """Who a title-only subject of a speech act is ("Der Staatschef bekräftigte, ..."): the
    name that last followed that title in the source before ("Präsident Kim Jong Un"), else
    the last named speaker; "" when the sentence is no such speech act."""
    match = _cues.DE_TITLE_SUBJECT.match(sentence)
    if match is None or not _cues.DE_SPEECH.search(sentence):
        return ""
    title = re.escape(match.group("title"))
    names = re.findall(rf"(?i:{title})\w*\s+((?:[A-ZÄÖÜ][\w\-]+\s?){{1,3}})", earlier)
    if names:
        return str(names[-1]).strip()
    return last_named.speaker if last_named is not None else ""


def _named_ahead(
    out: dict[int, Attribution], sentences: list[tuple[int, int, str]]
) -> dict[int, Attribution]:
    """A cue without a name before any source ("Tote gab es laut den Angaben nicht.") takes
    the next source its paragraph names ("..., sagte Vizepräsident Fuat Oktay.")."""
    for i, (number, paragraph, _) in enumerate(sentences):
        got = out[number]
        if got.speaker != OUTLET or not got.cue:
            continue
        ahead = (out[n] for n, p, _ in sentences[i + 1 :] if p == paragraph)
        if source := next((a for a in ahead if a.named and a.speaker != OUTLET), None):
            out[number] = Attribution(source.speaker, got.cue, got.kind, named=True)
    return out
