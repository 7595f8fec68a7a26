"""German nouns that name a source, in English: "Polizeisprecher" is "police spokesman".

A cue names its source in the article's words ("sagte der Pressesprecher", "nach Angaben des
Flüchtlingshilfswerks"). Where the translation does not name it, attribution gives the noun's
English from these tables rather than German in an English field: a compound's last part
decides ("Pressesprecher" -> "spokesman"), a known first part is kept ("Polizeisprecher" ->
"police spokesman"), and an unknown first part leaves the compound as the source gives it.
"""

from __future__ import annotations

__all__ = ["SOURCE_NOUNS", "SOURCE_PREFIXES", "source_noun"]

SOURCE_NOUNS = {
    "sprecherin": "spokeswoman",
    "sprecher": "spokesman",
    "presseberichten": "press reports",
    "pressebericht": "press report",
    "medienberichten": "media reports",
    "branchenmagazinen": "trade magazines",
    "magazinen": "magazines",
    "magazin": "magazine",
    "zeitungen": "newspapers",
    "nachrichtenportal": "news portal",
    "flüchtlingshilfswerks": "refugee agency",
    "flüchtlingshilfswerk": "refugee agency",
    "hilfswerks": "aid agency",
    "hilfswerk": "aid agency",
    "medienbericht": "media report",
    "medien": "media",
    "staatsmedien": "state media",
    "polizei": "police",
    "regierung": "government",
    "ministerium": "ministry",
    "ministeriums": "ministry",
    "behörden": "authorities",
    "behörde": "authority",
    "staatsanwaltschaft": "prosecutors",
    "ermittler": "investigators",
    "experten": "experts",
    "beraters": "adviser",
    "berater": "adviser",
    "präfektur": "prefecture",
    "behördenangaben": "authorities",
    "polizeiangaben": "police",
    "regierungsangaben": "government",
    "forschern": "researchers",
    "forscher": "researchers",
    "wissenschaftlern": "scientists",
    "wissenschaftler": "scientists",
    "ärzten": "doctors",
    "ärzte": "doctors",
    "anwohnern": "residents",
    "anwohner": "residents",
    "beobachtern": "observers",
    "beobachter": "observers",
    "analysten": "analysts",
    "zeugen": "witnesses",
    "augenzeugen": "eyewitnesses",
    "präsidenten": "president",
    "präsident": "president",
    "präsidentin": "president",
    "geheimdienstes": "intelligence service",
    "geheimdienst": "intelligence service",
    "nachrichtenagentur": "news agency",
    "agentur": "agency",
    "kanzlerin": "chancellor",
    "kanzler": "chancellor",
    "ministers": "minister",
    "minister": "minister",
    "ministerin": "minister",
    "außenministerium": "foreign ministry",
    "außenministeriums": "foreign ministry",
    "verteidigungsministerium": "defence ministry",
    "verteidigungsministeriums": "defence ministry",
    "armee": "army",
    "militärs": "military",
    "militär": "military",
    "zeitung": "newspaper",
    "klub": "club",
    "club": "club",
    "verein": "club",
    "gericht": "court",
    "richter": "judge",
    "richterin": "judge",
    "anwalt": "lawyer",
    "anwältin": "lawyer",
    "unternehmen": "company",
    "konzern": "company",
    "feuerwehr": "fire brigade",
    "bürgermeister": "mayor",
    "bürgermeisterin": "mayor",
    "gewerkschaft": "union",
    "staatsrundfunk": "state broadcaster",
    "rundfunk": "broadcaster",
    "staatsfernsehen": "state television",
    "fernsehen": "television",
    "sender": "broadcaster",
    "küstenwache": "coastguard",
    "rettungskräfte": "rescuers",
    "staatsanwalt": "prosecutor",
    "staatsanwältin": "prosecutor",
    "ermittlern": "investigators",
    "bundesamt": "federal office",
    "statistikamt": "statistics office",
    "institut": "institute",
    "instituts": "institute",
    "studie": "study",
    "umfrage": "survey",
}

SOURCE_PREFIXES = {
    "us-": "US",
    "vize": "vice",
    "spitzen": "top",
    "polizei": "police",
    "regierungs": "government",
    "partei": "party",
    "unternehmens": "company",
    "ministeriums": "ministry",
    "bundes": "federal",
    "kreml": "Kremlin",
    "italienischen": "Italian",
    "russischen": "Russian",
    "deutschen": "German",
    "amerikanischen": "US",
    "südkoreanischen": "South Korean",
    "nordkoreanischen": "North Korean",
    "ukrainischen": "Ukrainian",
    "chinesischen": "Chinese",
    "französischen": "French",
    "britischen": "British",
    "türkischen": "Turkish",
    "iranischen": "Iranian",
    "israelischen": "Israeli",
    "staatlichen": "state",
}


def source_noun(source: str) -> str:
    """A source named by a German common noun in English ("Pressesprecher" -> "spokesman",
    "italienischen Medienberichten" -> "Italian media reports"); "" for any other."""
    *before, last = source.split() or [""]
    folded = last.casefold()
    for noun, english in sorted(SOURCE_NOUNS.items(), key=lambda item: -len(item[0])):
        if folded.endswith(noun):
            head = folded[: -len(noun)]
            first = [SOURCE_PREFIXES.get(w.casefold(), "") for w in before] + [
                SOURCE_PREFIXES.get(head, "")
            ]
            if head and not first[-1] and head not in ("presse", "pres"):
                return ""  # an unknown compound: leave it as the source gives it
            return " ".join([*filter(None, first), english])
    return ""
