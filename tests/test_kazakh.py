"""Kazakh word forms for citing acts: the issuer's genitive, the attributive date, and the
locative body and day of their state registration."""

from datetime import date

import pytest

from qyzmet.kazakh import attributive_date, genitive, locative, locative_date


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Жамбыл облысы әкімдігі", "Жамбыл облысы әкімдігінің"),
        ("Қазақстан Республикасының Үкіметі", "Қазақстан Республикасының Үкіметінің"),
        ("Алматы қаласы", "Алматы қаласының"),
        ("Тараз қаласының мәслихаты", "Тараз қаласының мәслихатының"),
        ("адам", "адамның"),
        ("заң", "заңның"),
        ("тау", "таудың"),
        ("қағаз", "қағаздың"),
        ("Әділет министрлігі", "Әділет министрлігінің"),
        ("кітап", "кітаптың"),
        ("Денсаулық сақтау комитет", "Денсаулық сақтау комитеттің"),
        ("департамент", "департаменттің"),
        ("Президент", "Президенттің"),
        ("Парламент", "Парламенттің"),
        ("мектеп", "мектептің"),
        ("ел", "елдің"),
    ],
)
def test_the_last_word_of_a_name_takes_the_genitive_by_its_sound_and_vowels(phrase, expected):
    assert genitive(phrase) == expected


@pytest.mark.parametrize("phrase", ["«Азамат» ЖШС", "Akimat of Taraz", "ТЖМ", "«Бәйтерек»", ""])
def test_a_name_that_does_not_end_in_a_kazakh_word_is_left_as_it_is(phrase):
    assert genitive(phrase) == phrase


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2020, 12, 30), "2020 жылғы 30 желтоқсандағы"),
        (date(2008, 5, 29), "2008 жылғы 29 мамырдағы"),
        (date(2010, 2, 25), "2010 жылғы 25 ақпандағы"),
        (date(2015, 4, 1), "2015 жылғы 1 сәуірдегі"),
        (date(2015, 7, 3), "2015 жылғы 3 шілдедегі"),
        (date(2015, 9, 9), "2015 жылғы 9 қыркүйектегі"),
    ],
)
def test_an_acts_date_reads_as_the_attribute_before_its_name(day, expected):
    assert attributive_date(day).replace("\u00a0", " ") == expected


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Алматы қаласы Әділет департаменті", "Алматы қаласы Әділет департаментінде"),
        ("Жамбыл облыстық Әділет департаменті", "Жамбыл облыстық Әділет департаментінде"),
        ("Тараз қаласы", "Тараз қаласында"),
        ("Әділет министрлігі", "Әділет министрлігінде"),
        ("Алматы", "Алматыда"),
        ("қала", "қалада"),
        ("ел", "елде"),
        ("қағаз", "қағазда"),
        ("мектеп", "мектепте"),
        ("Парламент", "Парламентте"),
        ("Министрлік", "Министрлікте"),
        ("кітап", "кітапта"),
    ],
)
def test_a_body_takes_the_locative_by_its_sound_vowels_and_possessive(phrase, expected):
    assert locative(phrase) == expected


@pytest.mark.parametrize("phrase", ["«Азамат» ЖШС", "Department of Justice", "ТЖМ", ""])
def test_a_body_that_does_not_end_in_a_kazakh_word_is_left_as_it_is_in_the_locative(phrase):
    assert locative(phrase) == phrase


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2018, 2, 23), "2018 жылғы 23 ақпанда"),
        (date(2013, 7, 2), "2013 жылғы 2 шілдеде"),
        (date(2008, 6, 9), "2008 жылғы 9 маусымда"),
        (date(2020, 9, 1), "2020 жылғы 1 қыркүйекте"),
        (date(2020, 4, 30), "2020 жылғы 30 сәуірде"),
        (date(2020, 3, 1), "2020 жылғы 1 наурызда"),
    ],
)
def test_a_registration_day_reads_as_the_day_it_happened_on(day, expected):
    assert locative_date(day).replace("\u00a0", " ") == expected
