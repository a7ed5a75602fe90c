from datetime import time

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from guide.schema import Body, Duration, Hours, HoursRule, LocalText, Source, _tidy, normalise_text

# Every character the tidying treats specially, among letters it leaves alone; and the same
# with the Latin look-alikes it replaces, which send most strings down the long way.
_SCANNED = st.text(alphabet=" \t\u00a0\u2003\r\n,.;:!?()«»-zфжә0", max_size=30) | st.text(
    alphabet=" \n,.(«aeoiIBHKMTxyzфжәі0", max_size=30
)


@settings(max_examples=2000, deadline=None)
@given(value=_SCANNED, lang=st.sampled_from(["kk", "ru", None]))
@example(value="жер  жағдайы", lang="kk")
@example(value="жер\n\n\nжағдайы", lang="ru")
def test_text_left_as_it_is_is_exactly_text_the_tidying_would_not_change(value, lang):
    assert normalise_text(value, lang) == _tidy(value, lang)


def test_normalising_kazakh_replaces_latin_i_inside_cyrillic_words():
    assert normalise_text("елдi мекенде тiркелдi", "kk") == "елді мекенде тіркелді"


def test_normalising_leaves_latin_words_and_addresses_alone():
    assert normalise_text("www.egov.kz сайтында, e-mail: info@mail.kz", "kk") == (
        "www.egov.kz сайтында, e-mail: info@mail.kz"
    )


def test_normalising_russian_keeps_latin_i_but_fixes_other_look_alike_letters():
    # "дом" typed with a Latin "o" becomes Cyrillic; Russian has no "і" to restore.
    assert normalise_text("дoм", "ru") == "дом"


@pytest.mark.parametrize(
    ("latin", "cyrillic"), list(zip("aeopcxyAEOPCXBHKMT", "аеорсхуАЕОРСХВНКМТ", strict=True))
)
def test_every_look_alike_letter_is_fixed_on_a_line_of_its_own(latin, cyrillic):
    # Lines with no look-alike letter skip the word-by-word pass; none may be missed.
    text = f"Тараз қаласы\nжер{latin}ы\nӘкімдік"
    assert normalise_text(text, "ru") == f"Тараз қаласы\nжер{cyrillic}ы\nӘкімдік"
    assert normalise_text("бiр\nекі", "kk") == "бір\nекі"


def test_normalising_removes_stray_spaces_but_keeps_line_breaks():
    assert normalise_text("Заңының  ,  9-1 бабына\n  Өтініш ( нысан )", "kk") == (
        "Заңының, 9-1 бабына\nӨтініш (нысан)"
    )


def test_hours_know_whether_a_place_is_open():
    hours = Hours(
        rules=[
            HoursRule(
                days=["mon", "tue", "wed", "thu", "fri"],
                open="09:00",
                close="18:00",
                breaks=[{"start": "13:00", "end": "14:00"}],
            )
        ]
    )
    assert hours.is_open(0, time(9, 0))
    assert not hours.is_open(0, time(13, 30))
    assert not hours.is_open(5, time(10, 0))
    assert not hours.is_open(4, time(18, 0))


def test_hours_refuse_a_break_outside_opening_hours():
    with pytest.raises(ValidationError, match="break must fall inside"):
        HoursRule(
            days=["mon"], open="09:00", close="18:00", breaks=[{"start": "08:00", "end": "09:30"}]
        )


def test_hours_refuse_unquoted_times_that_yaml_turned_into_numbers():
    with pytest.raises(ValidationError, match="HH:MM"):
        HoursRule(days=["mon"], open=540, close="18:00")


def test_a_repealed_source_must_name_the_repealing_act():
    with pytest.raises(ValidationError, match="repealed_by"):
        Source(
            seed="000_dfc63f0c0c4287f1.txt",
            kind="resolution",
            title="Стандарт",
            issuer="Әкімдік",
            number="197",
            date="2008-05-29",
            status="repealed",
        )


def test_an_akimat_needs_a_registration_code_and_other_bodies_must_not_have_one():
    with pytest.raises(ValidationError, match="needs a code"):
        Body(id="x-akimat", kind="akimat", name="Әкімдік", seeds=["000_dfc63f0c0c4287f1.txt"])
    with pytest.raises(ValidationError, match="only akimats"):
        Body(id="x", kind="department", code="XX", name="Бөлім", seeds=["000_dfc63f0c0c4287f1.txt"])


def test_prose_is_marked_as_local_text_and_facts_are_not():
    duration = Duration.model_validate({"value": 30, "unit": "days", "note": "ескерту"})
    assert isinstance(duration.note, LocalText)
    assert not isinstance(duration.unit, LocalText)


def test_prose_refuses_values_yaml_read_as_numbers_or_dates():
    with pytest.raises(ValidationError, match="put it in quotes"):
        Duration.model_validate({"value": 30, "unit": "days", "note": 2008})
