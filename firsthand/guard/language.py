"""Which language a short post is in, by its most common small words, and which one an account usually uses.

Small words (articles, pronouns, prepositions) give a language away in a sentence or two, need no model
file, and are cheap enough to run on every keystroke. Only a clear answer counts: too few of them, or two
languages close together, and the answer is "don't know".
"""

import regex

WORDS = {
    "English": "the and is are was you your we our to of in for with on at this that it not have has be "
    "will can do does what when where how please thanks thank from they their there here just about",
    "German": "der die das und ist sind war wir unser unsere ihr sie nicht mit für auf ein eine einen "
    "dem den des zu im von bei auch noch wie was wo wann heute morgen danke bitte gibt euch",
    "French": "le la les et est sont était nous notre nos vous votre pour avec sur un une des du de "
    "au aux ce cette pas que qui où quand comment merci aujourd'hui demain chez très",
    "Spanish": "el la los las y es son era nosotros nuestro nuestra vosotros usted para con en un una "
    "unos del al que qué no por como cómo dónde cuándo gracias hoy mañana muy hay",
    "Italian": "il lo la gli le e è sono era noi nostro nostra voi vostro per con su un una dei del "
    "della che non come dove quando grazie oggi domani molto ci sono",
    "Dutch": "de het een en is zijn was wij we onze ons jullie u voor met op aan niet dat die wat "
    "hoe waar wanneer bedankt dank vandaag morgen heel bij ook nog",
    "Portuguese": "o a os as e é são era nós nosso nossa vocês você para com em um uma dos das do da "
    "que não como onde quando obrigado obrigada hoje amanhã muito também",
}
LEXICON = {language: set(words.split()) for language, words in WORDS.items()}
TOKEN = regex.compile(r"[\p{L}']+")
MIN_HITS = 3


def detect(text: str) -> str | None:
    """The language, or None when the text does not say clearly."""
    tokens = [t.lower() for t in TOKEN.findall(regex.sub(r"https?://\S+|[@#]\S+", " ", text))]
    scores = sorted(((sum(t in words for t in tokens), lang) for lang, words in LEXICON.items()), reverse=True)
    (best, language), (second, _) = scores[0], scores[1]
    if best >= MIN_HITS and best >= 2 * second:
        return language
    return None


def usual_language(texts: list[str], minimum: int = 5, share: float = 0.7) -> str | None:
    """The language most of these texts are in, when enough of them say so."""
    found = [language for language in map(detect, texts) if language]
    if len(found) < minimum:
        return None
    top = max(set(found), key=found.count)
    return top if found.count(top) >= share * len(found) else None
