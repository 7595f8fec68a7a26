"""The cue phrases of attribution: how German and English news name who says something.

Patterns only (`summarizer.attribution` applies them): German cues ("laut KCNA", "sagte
Kim", "Staatsmedien zufolge"), the English speaker phrases of a translation ("according to
…", "… said"), the verbs of speech acts in both languages, and the words that continue or
name no source.
"""

from __future__ import annotations

import re

__all__ = [
    "ADJ",
    "ADVERB",
    "APPOSITION",
    "ART",
    "BACKWARD",
    "CAPS",
    "CONTINUES",
    "CONTINUING_CUE",
    "CUE_WORDS",
    "DE_SPEECH",
    "DE_TITLE_SUBJECT",
    "DOCUMENT",
    "DOCUMENT_SOURCE",
    "ENGLISH",
    "EN_AND_SAID",
    "EN_NAME",
    "EN_SPEAKER",
    "EN_SPEECH",
    "EN_SUBJECT",
    "EN_TITLES",
    "GENERIC_SOURCE",
    "GERMAN",
    "NAME",
    "NOT_SUBJECT",
    "OPENERS",
    "PARTICIPLES",
    "PATTERNS",
    "PRONOUN",
    "PRONOUNS",
    "PRONOUN_START",
    "REPLY_VERBS",
    "STOP",
    "SUBJECT",
    "SUBJECT_VERBS",
    "TITLE_ONLY",
    "VERBS",
    "VERB_FIRST",
    "WRITING_VERBS",
    "subject_before",
]

ART = r"(?:(?:der|die|das|des|dem|den|ein|eine|einer|eines|einem)\s+)"
ADJ = (  # "nordkoreanische", "russischen"; not a verb or determiner ("werden dem Bericht zufolge")
    r"(?:(?!(?:werden|worden|wurden|haben|hatten|sollen|sollten|wollen|können|müssen|dürfen|"
    r"dem|den|einem|einen|seinen|seinem|ihren|ihrem|unseren|diesem|diesen|jedem|allen)\s)"
    r"[a-zäöü][\w\-]*(?:e|en|er|es|em)\s+)"
)
CAPS = (  # "der 28-Jährige", "\"Sea Watch\"-Sprecher Ruben Neugebauer", "die \"Financial Times\""
    r"(?:\d+-|[\"„“][^\"„“”]{1,40}[\"“”]-|[\"„“](?=[A-ZÄÖÜ]))?[A-ZÄÖÜ][\w\-]*"
    r"(?:\s+[A-ZÄÖÜ][\w\-]*){0,3}[\"“”]?"
)
NAME = rf"{ART}?{ADJ}{{0,2}}?{CAPS}"
PRONOUN = r"(?!(?:Dies|Diese|Dieser|Er|Sie|Es|Das|Man|Wir|Ich|Ihr)\b)"
SUBJECT = (
    rf"(?:(?:[Dd]ie|[Dd]er|[Dd]as|[Aa]uch)\s+)?{PRONOUN}{ADJ}{{0,2}}{CAPS}(?:\s+und\s+{CAPS})?"
)
VERBS = (
    r"sagte|sagt|sagten|erklärte|erklärt|erklärten|betonte|betont|berichtete|berichtet|"
    r"berichteten|teilte|teilt|warf|versicherte|versichert|bekräftigte|kommentierte|meldete|"
    r"meldet|bestätigte|bestätigt|zitierte|warnte|warnt|kritisierte|forderte|fordert|mahnte|"
    r"meinte|erläuterte|unterstrich|behauptete|behauptet|verkündete|berichten|melden|erklären|"
    r"betonen|warnen|kritisieren|fordern"
)
REPLY_VERBS = r"entgegnete|erwiderte|ergänzte"  # only before their subject: "…, entgegnete X"
WRITING_VERBS = r"schrieb|schreibt|twitterte"  # only after what was written: "…, schrieb X"
SUBJECT_VERBS = (  # "Die USA werfen Nordkorea vor", "Pjöngjang weist die Vorwürfe zurück"
    r"werfen|wirft|warfen|beschuldigen|beschuldigt|beschuldigte|bestreiten|bestreitet|"
    r"bestritt|bestritten|dementierte|dementiert|weist|wies|wiesen|weisen"
)
# A time or sentence adverb between a verb of saying and its subject: "bestätigte am Freitag ein
# Pressesprecher", "entgegnete am Freitag AUA-Vorstand Andreas Otto".
ADVERB = (
    r"(?:am\s+(?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag|Wochenende)|"
    r"gestern|heute|zuvor|bereits|außerdem|zudem|nun|jetzt|dazu|dabei|noch)"
)
PARTICIPLES = r"gesagt|erklärt|betont|berichtet|mitgeteilt|bestätigt|angekündigt|gewarnt|gefordert"
DOCUMENT = rf"(?:[\w\-]+\s+){{0,6}}?{NAME}"  # "einer als geheim eingestuften Liste des Amtes"
GERMAN = [
    rf"\b[Ll]aut\s+(?:Angaben\s+)?{NAME}",
    rf"\b[Nn]ach\s+(?:Angaben|Ansicht|Meinung|Einschätzung|Auffassung|Darstellung|Worten)\s+"
    rf"{NAME}",  # "nach Ansicht seines Spitzenberaters"
    r"\b[Nn]ach\s+[A-ZÄÖÜ][\wäöüß]+angaben\b",  # "Nach Behördenangaben", "nach Polizeiangaben"
    rf"\b{ART}?{ADJ}{{0,2}}{CAPS}\s+zufolge\b",
    # "wie Präfekt Pierre-André Durand am Freitagmorgen bei einer Pressekonferenz sagte"
    rf"\b[Ww]ie\s+{NAME}(?:\s+(?!(?:der|die|das|den|dem)\s)[\w\-]+){{0,6}}?\s+"
    r"(?:berichtete|berichtet|mitteilte|mitteilt|meldete|meldet|erklärte|sagte|schreibt|"
    r"schrieb)\b",
    rf"\b(?:{VERBS}|{REPLY_VERBS})\s+(?:{ADVERB}\s+)?{NAME}",
    # a verb of writing after what was written: "…, schrieb der Klub auf Twitter" (not
    # "McEwan schreibt Brexit-Roman")
    rf"(?<=,\s)(?:{WRITING_VERBS})\s+(?:{ADVERB}\s+)?{NAME}",
    rf"\b(?:hatte|hat|habe|hätte)\s+[\"„“]?{NAME}[\"“”]?"
    rf"(?=\s+(?:[\w\-]+\s+){{0,5}}?(?:{PARTICIPLES})\b)",  # "unter Berufung auf Insider"
    rf"\b[Nn]ach\s+{ADJ}{{0,2}}[A-ZÄÖÜ][\w\-]*(?:[Bb]erichten|[Ii]nformationen)\b",
    rf"^{NAME}:\s*[\"„“]",  # "Polizeisprecher Andrzej Rydzik: „…“"
    r"\bheißt\s+es\s+in\s+(?:der|dem|einer|einem)\s+\w+",
    rf"\b(?:[Vv]on|[Aa]us)\s+{NAME}\s+hieß\s+es\b",  # "Von der Polizei hieß es, dass …"
    rf"\b(?:wird|wurde)\s+{NAME}\s+(?:mit\s+den\s+Worten\s+)?zitiert\b",  # "wird X zitiert:"
    rf"\b[Ss]o\s+{NAME}(?=\s*(?:[.,;:!?]|$))",  # "…, so die IUCN." (not "so viele Ressourcen wie")
    rf"(?:^|(?<=[,;:]\s)){SUBJECT}\s+(?:{SUBJECT_VERBS}|{VERBS})\b",
    # "Das geht aus einer Auflistung des Ministeriums hervor", "wie aus dem Bericht hervorgeht"
    rf"\b(?:geht|ging|gehe)\s+(?:{ADVERB}\s+)?aus\s+{DOCUMENT}\s+hervor\b",
    rf"\b[Ww]ie\s+aus\s+{DOCUMENT}\s+hervorgeht\b",
]
# A verb of saying (or "hat") whose sentence named its subject before it takes an object, not
# its speaker, after it: "Ajit Pai hat die Bundesregierung gewarnt", "Xi Jinping verkündete
# die Eröffnung", "Der Sprecher sagte der Zeitung". A clause opened otherwise ("Am Freitag
# sagte Kim", "Das bestätigte der Sprecher", "…“, sagte Kim") puts the subject after the verb.
VERB_FIRST = re.compile(rf"^(?:{VERBS}|{REPLY_VERBS}|hatte|hat|habe|hätte)\b")
OPENERS = re.compile(
    r"^(?:Am|Im|Zuvor|Dazu|Später|Nun|Jetzt|Dann|Außerdem|Zudem|Gestern|Heute|Dies|Das|Dem|Den|"
    r"So|Auch|Nach|Bei|Vor|In|An|Auf|Mit|Zuletzt|Bereits|Schon|Damals|Daraufhin|Anschließend|"
    r"Weiter|Laut|Wie|Für|Gegenüber|Unterdessen|Inzwischen|Derweil|Dabei|Darüber|Demnach|"
    r"Trotzdem|Doch|Aber|Und|Allerdings|Bisher|Seit|Während|Erst|Noch|Zugleich|Ebenfalls|"
    r"Vergangene[nr]?|Letzte[nr]?|Diese[nrs]?|Deshalb|Daher|Darauf|Hierzu|Dort|Hier|\d)\b"
)
_APPOSED = re.compile(  # "Der Chef der Behörde, Ajit Pai," (a name between the commas)
    r"^(?:Der|Die|Ein|Eine)\b[^,;:\"“”„]*,\s*[A-ZÄÖÜ][\w\-.']*(?:\s+[A-ZÄÖÜ][\w\-.']*){0,3},$"
)


def subject_before(before: str) -> bool:
    """Whether the words of a sentence `before` a verb of saying are its subject ("Der Chef
    der Behörde, Ajit Pai,"; not "Am Freitag", "…“," or a clause)."""
    if not before or OPENERS.match(before):
        return False
    return not re.search(r"[,;:\"“”„]", before) or bool(_APPOSED.match(before))


# The source of a document cue: the last name before "hervor" ("... des Ministeriums").
DOCUMENT_SOURCE = re.compile(r"(?P<source>[A-ZÄÖÜ][\w\-]*(?:\s+[A-ZÄÖÜ][\w\-]*){0,3})\s+hervor")
EN_NAME = r"(?:the\s+)?(?:[a-z][\w\-]*\s+){0,2}?[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,3}"
ENGLISH = [
    rf"\b[Aa]ccording\s+to\s+{EN_NAME}",
    rf"\b{EN_NAME}\s+(?:said|says|reported|told|claimed|denied|announced)\b",
    r"\b(?:said|says|told)\s+(?:the\s+)?(?:(?!(?:in|on|at|to|that|from|by|with|after|for|of)\b)"
    r"[a-z][\w\-]*\s+){0,3}?[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+){0,2}",
]
PATTERNS = {
    "de": [re.compile(p) for p in GERMAN],
    "en": [re.compile(p) for p in ENGLISH],
}
# The speaker as the English translation names it.
# A title between a name and a name: "said Sea Watch spokesman Ruben Neugebauer".
EN_TITLES = (
    r"spokesman|spokeswoman|spokesperson|president|minister|chief|head|director|leader|"
    r"mayor|governor|secretary|chairman|chairwoman|captain|lawyer|attorney|judge|professor|"
    r"expert|analyst|official|ambassador|commissioner|founder|manager|coach|author"
)
EN_SPEAKER = [
    re.compile(
        r"\b(?:reported|stated|said|announced|claimed|denied|confirmed|presented|published|"
        r"released|compiled|issued|prepared|provided)\s+by\s+"
        r"((?:[\w\-’']+\s+){0,6}?[\w\-’']+)(?=\s*(?:[,.;:]|$|\s+that\b))"
    ),
    re.compile(
        r"\b[Aa]ccording\s+to\s+((?:[\w\-’'()]+\s+){0,8}?[\w\-’'()]+)(?=\s*(?:[,.;:]|$|\s+that\b))"
    ),
    re.compile(
        r"((?:[Tt]he\s+)?(?:[\w\-’']+\s+){0,4}?[\w\-’']+)\s+(?:said|says|stated|reported|reports|"
        r"announced|told|explained|stressed|emphasi[sz]ed|confirmed|added|claimed|denied|"
        r"wrote|accused|accuses|rejected|rejects|insisted|warned)\b"
    ),
    re.compile(
        r"\b(?:said|says|stated|reported|told|explained|stressed|wrote|writes)\s+"
        r"((?:the\s+)?(?:(?!(?:in|on|at|to|that|from|by|with|after|for|of)\b)[a-z][\w\-]*\s+)"
        r"{0,3}?[A-Z][\w\-]*(?:'s|’s)?(?:\s+(?:(?:of|for|and|the|"
        rf"{EN_TITLES})\s+)*[A-Z][\w\-]*(?:'s|’s)?){{0,5}})"
    ),
]
CUE_WORDS = re.compile(
    r"\b(?:[Ll]aut|[Nn]ach|Angaben|Ansicht|Meinung|Einschätzung|Auffassung|Darstellung|Worten|"
    r"zufolge|[Ww]ie|[Ss]o|heißt|hieß|Von|es|in|mitteilte|[Aa]uch|seine[sr]?|ihre[sr]?|"
    r"geht|ging|gehe|aus|hervor|hervorgeht|"
    rf"{VERBS}|{SUBJECT_VERBS}|{ADVERB}|{PARTICIPLES}|{REPLY_VERBS}|{WRITING_VERBS}|"
    r"hatte|hat|habe|hätte|[Dd]er|[Dd]ie|[Dd]as|[Dd]es|[Dd]em|[Dd]en|ein|eine|einer|eines|einem|"
    r"wird|wurde|zitiert|mehrere|einige|viele)\b"
)
CONTINUES = re.compile(  # Konjunktiv I, "demnach", "hieß es": the previous source goes on
    r"\b(?:sei|seien|habe|hätten|werde|würden|könne|müsse|wolle|solle|dürfe|gebe|stehe|liege|"
    r"stünden|kämen|handele|gehe|komme|gelte|bestehe|bleibe|fehle|zeige|wisse|befinde|"
    r"[Dd]emnach|hieß\s+es|heißt\s+es)\b"
)
# Words of a cue that name no source of their own ("laut den Angaben", "dem Bericht zufolge").
GENERIC_SOURCE = re.compile(
    r"\b(?:Angaben|Bericht(?:en|s)?|Mitteilung|Informationen|Erkenntnissen|Schätzungen|"
    r"Darstellung|Aussagen?|Papier|Studie|Untersuchung|Ermittlungen|Ermittlern|"
    r"[Dd](?:er|ie|as|es|em|en)|[Ee]ine[mnrs]?)\b|[\s,.]"
)
# A name in apposition right after a cue: "sagte der Gouverneur von Vermont, Phil Scott,".
APPOSITION = re.compile(
    r"^(?:\s+(?:des|der|von|aus|im|in)\s+[^,.]{1,60})?,\s+"
    r"((?:[A-ZÄÖÜ][\w\-]+\s+){1,2}[A-ZÄÖÜ][\w\-]+)\s*(?:[,.;]|$)"
)
CONTINUING_CUE = re.compile(r"\b(?:heißt|hieß)\s+es\b")
PRONOUN_START = re.compile(
    r"^(?:[Tt]his|[Tt]hat|[Hh]e|[Ss]he|[Ii]t|[Tt]hey|[Ww]e|I|[Tt]here|[Ww]hich|[Ww]ho)(?:\s|$)"
)
# A speech act in German: the verbs of saying, promising, thanking, stressing, warning, ...
DE_SPEECH = re.compile(
    r"\b(?:sag|gesagt|erklär|beton|versproch|versprach|versprech|bestätig|mitgeteilt|teilte|"
    r"teilt|dankt|bedankt|Dank|Ausdruck|kommentier|bekräftig|zugesichert|sicherte|sichert|"
    r"wünscht|lobt|gelobt|warnt|gewarnt|forder|gefordert|kündigt|angekündigt|versicher|äußer|"
    r"geäußert|kritisier|verurteil|beschrieb|beschreib|meint|räumt|räumte|bezeichne|nannte|"
    r"appellier|drohte|droht|schrieb|schreibt|unterstrich|hob|hervorgehoben|verspricht|"
    r"begrüßt|rief|ruft|informiert|zitiert|behauptet|bekannt|gab|gibt\s+an|angedeutet|deutete|"
    r"vorgeschlagen|schlug|einräum|eingeräumt|gestand|erinnert|deutlich|prognostiziert|"
    r"erkannte?,?\s+(?:an|dass)\b|erkennt,?\s+(?:an|dass)\b|anerkannt|verwies|verweis|"
    r"hingewiesen|verlauten)\w*"
)
EN_SPEECH = (
    r"said|says|promised|pledged|vowed|confirmed|informed|told|emphasi[sz]ed|stressed|"
    r"underlined|underscored|thanked|expressed|wished|welcomed|praised|commented|assured|"
    r"announced|warned|demanded|called\s+for|critici[sz]ed|condemned|described|explained|"
    r"added|insisted|reaffirmed|reiterated|stated|declared|noted|argued|claimed|accused|"
    r"denied|rejected|admitted|reported|wrote|mentioned|urged|replied|revealed|threatened|"
    r"indicated|suggested|signall?ed|hinted|predicted|acknowledged|conceded|proposed|recalled|"
    r"pointed\s+out|made\s+(?:it\s+)?clear|recogni[sz]ed\s+that|recogni[sz]es\s+that|"
    r"claims|warns|accuses|denies|insists|reports|confirms|stresses|announces|states|argues|"
    r"rejects|thanks|promises|pledges|tells|informs|assures|emphasi[sz]es|expresses|admits"
)
EN_ADVERBS = (  # between a speaker and its verb: "AviationNetOnline had previously reported"
    r"also|further|then|again|however|repeatedly|now|already|once|recently|previously|earlier|"
    r"initially|later|subsequently|reportedly|publicly|officially|first|personally|himself|"
    r"herself|themselves"
)
EN_SUBJECT = re.compile(  # "In return, Shoigu thanked Kim ...", "He has also stressed ..."
    r"^(?:[^,]{0,60},\s+)?(?P<subject>(?:[A-Z]|(?<=,\s)[a-z])[\w\-’'.]*(?:\s+[\w\-’'.]+){0,7}?)"
    r"(?:,\s+(?P<apposition>[^,]{1,60}),)?\s+"
    rf"(?:(?:has|had|have|{EN_ADVERBS})\s+)*"
    rf"(?:{EN_SPEECH})\b(?!\s+(?:were|was|are|is|have|had|of)\b)"  # not "press reports were"
)
EN_AND_SAID = re.compile(  # "Belousov also held talks with No Kwang-chol and said that ..."
    r"^(?P<subject>(?:The\s+)?(?:[A-Z][\w\-’'.]*\s+){0,5}[A-Z][\w\-’'.]*)\s+[^,;]{0,160}?"
    rf"(?:\s+and\s+(?:also\s+|then\s+|further\s+)?(?:{EN_SPEECH})|,\s+(?:stating|saying|adding|"
    r"noting|stressing|explaining|emphasi[sz]ing|promising|warning|insisting))\b"
)
DE_TITLE_SUBJECT = re.compile(  # "Der Staatschef drückte ... aus", "Die Ministerin sagte"
    r"^(?:Der|Die)\s+(?:[a-zäöü][\w\-]*\s+){0,2}(?P<title>(?:Staats|Regierungs|Partei)chef|"
    r"Präsident|Minister|Kanzler|Machthaber|Sprecher|Bürgermeister|Gouverneur|Premier|"
    r"Vorsitzende|Direktor|Chef|Botschafter|Bundespräsident|Ministerpräsident)(?:in)?\b"
)
TITLE_ONLY = re.compile(  # "the President of the Democratic People's Republic of Korea"
    r"^[Tt]he\s+(?:[a-z][\w\-]*\s+){0,2}(?P<title>[A-Za-z][a-z\-]+)(?:\s+of\s+.*)?$"
)
BACKWARD = re.compile(r"^(?:Dies|Das|Dieses|Diese)\s+\w+")  # "Dies berichtet die KCNA."
NOT_SUBJECT = re.compile(
    r"\b(?:was|were|is|are|be|been|being|who|which|that|it|this|there|would|will|could)\b",
    re.I,
)
PRONOUNS = {"he", "she", "they"}
STOP = {
    "from", "by", "to", "that", "according", "said", "says", "reported", "in", "on", "at", "with",
    "as", "is", "was", "are", "were", "has", "had", "have", "comes", "came", "this", "it", "and",
    "also", "for", "told", "stated", "announced", "than", "like", "of", "tweeted", "wrote",
    "added", "explained", "stressed", "emphasized", "noted", "warned", "confirmed", "claimed",
    "declared", "insisted", "argued", "replied", "criticized", "demanded", "continued",
    # the same in the present, as German news often reports ("…", erklärt Davide Farnocchia)
    "explains", "adds", "writes", "tells", "states", "stresses", "emphasizes", "notes",
    "warns", "confirms", "claims", "declares", "insists", "argues", "replies", "criticizes",
    "demands", "continues", "reports", "announces", "tweets",
}  # fmt: skip


AGE = re.compile(r"(\d+)-Jährige[rn]?")
"""A cue's source that is a person's age ("der 28-Jährige"), which names someone named before."""
PERSON = re.compile(r"[A-ZÄÖÜ][\w\-]+(?:\s+[A-ZÄÖÜ][\w\-]+){0,3}")
"""A speaker that is a name (not "the police", not an acronym like "KCNA")."""
TITLED = re.compile(  # a German title before a person's name: "Ufo-Tarifvorstand Daniel Flohr"
    r"(?:sprecher|sprecherin|vorstand|chef|chefin|leiter|leiterin|direktor|direktorin|präsident|"
    r"präsidentin|minister|ministerin|vorsitzende|vorsitzender|anwalt|anwältin|bürgermeister|"
    r"bürgermeisterin|experte|expertin|forscher|forscherin|trainer|trainerin|kanzler|kanzlerin)$",
    re.I,
)
