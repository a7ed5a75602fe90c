"""Kazakh word forms that the site's sentences need and Babel does not give.

A Kazakh document cites an act as «Алматы қаласының әкімдігінің 2020 жылғы 30 желтоқсандағы
№ 4/634 қаулысы»: the issuer in the genitive, the date as an attribute (year «жылғы», month
in the locative with «-ғы»), the kind with the possessive ending. Its state registration
reads «Алматы қаласы Әділет департаментінде 2018 жылғы 23 ақпанда № 1455 болып тіркелген»:
the body and the day in the locative. A catalogue's `%` format cannot inflect a name, so
these forms are made here. No framework imports: plain words.
"""

from __future__ import annotations

from datetime import date

# The month as an attribute of the day: «30 желтоқсандағы», «5 сәуірдегі».
_MONTHS_ATTRIBUTIVE = (
    "қаңтардағы",
    "ақпандағы",
    "наурыздағы",
    "сәуірдегі",
    "мамырдағы",
    "маусымдағы",
    "шілдедегі",
    "тамыздағы",
    "қыркүйектегі",
    "қазандағы",
    "қарашадағы",
    "желтоқсандағы",
)
# The month as the day something happened on: «23 ақпанда», «2 шілдеде».
_MONTHS_LOCATIVE = (
    "қаңтарда",
    "ақпанда",
    "наурызда",
    "сәуірде",
    "мамырда",
    "маусымда",
    "шілдеде",
    "тамызда",
    "қыркүйекте",
    "қазанда",
    "қарашада",
    "желтоқсанда",
)
_BACK_VOWELS = frozenset("аоұыяё")
_FRONT_VOWELS = frozenset("әеөүіэю")
_VOWELS = _BACK_VOWELS | _FRONT_VOWELS
# After a vowel or a nasal the genitive begins with н, after these sonorants with д, after
# any other consonant with т: адамның, таудың, кітаптың.
_NASALS = frozenset("мнң")
_SONORANTS = frozenset("жзлрйуи")
# Voiceless consonants: the locative after them begins with т (мектепте, Парламентте).
_VOICELESS = frozenset("бвгдкқпстфхцчшщ")


def attributive_date(day: date) -> str:
    """«2020 жылғы 30 желтоқсандағы»: the date as it stands before the act it dates."""
    # No-break spaces: a line never ends between a number and its word.
    return f"{day.year}\u00a0жылғы {day.day}\u00a0{_MONTHS_ATTRIBUTIVE[day.month - 1]}"


def locative_date(day: date) -> str:
    """«2018 жылғы 23 ақпанда»: the day on which something happened."""
    return f"{day.year}\u00a0жылғы {day.day}\u00a0{_MONTHS_LOCATIVE[day.month - 1]}"


def genitive(phrase: str) -> str:
    """The phrase with its last word in the genitive: «Жамбыл облысы әкімдігі» → «Жамбыл
    облысы әкімдігінің». A phrase that does not end in a Kazakh word (a quotation mark, a
    Latin name, an abbreviation) is given back as it is: better uninflected than wrongly."""
    word = phrase.rstrip()
    if not _inflectable(word):
        return phrase
    last = word[-1].lower()
    front = _is_front(word)
    if last in _VOWELS or last in _NASALS:
        ending = "нің" if front else "ның"
    elif last in _SONORANTS:
        ending = "дің" if front else "дың"
    else:
        ending = "тің" if front else "тың"
    return word + ending


def _is_front(word: str) -> bool:
    """Vowel harmony: the ending follows the word's last vowel (мектеп → мектептің)."""
    for letter in reversed(word.split()[-1].lower()):
        if letter in _FRONT_VOWELS:
            return True
        if letter in _BACK_VOWELS:
            return False
    return False


def locative(phrase: str) -> str:
    """The phrase with its last word in the locative: «Алматы қаласы Әділет департаменті» →
    «… департаментінде», «мектеп» → «мектепте». A name of several words ending in ы or і ends
    in the possessive of a compound (қаласы, департаменті), which takes н before the case
    ending; a single word so ending is a stem (Алматыда). Left as it is, like `genitive`,
    when it does not end in a Kazakh word."""
    word = phrase.rstrip()
    if not _inflectable(word):
        return phrase
    last = word[-1].lower()
    front = _is_front(word)
    if last in "ыі" and len(word.split()) > 1:
        ending = "нде" if front else "нда"
    elif last in _VOICELESS:
        ending = "те" if front else "та"
    else:
        ending = "де" if front else "да"
    return word + ending


def _inflectable(word: str) -> bool:
    last = word[-1:].lower()
    if not last or not ("а" <= last <= "я" or last in "әғқңөұүһіё"):
        return False
    # An abbreviation takes the ending of how its letters are read (АҚШ-тың, ЖШС-нің).
    return not (len(word.split()[-1]) > 1 and word.split()[-1].isupper())
