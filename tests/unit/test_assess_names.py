"""Place-name keys: the spellings docs/domain.md lists reduce to one key; different places don't."""

import pytest

from truce.assess.names import keys_close, party_matches_actor, place_key

VARIANTS = [
    ("Ma`arrat an Nu`man", "Maarat al-Numan", "Maaret al-Noman"),
    ("Khan Shaykhun", "Khan Sheikhoun", "Khan Cheikhoun"),
    ("Jisr ash Shughur", "Jisr al-Shughour", "Djisr ech Choughour"),
    ("Murak", "Morek", "Mourek"),
    ("Kafr Nubl", "Kafranbel", "Kafr Nabl"),
    ("Hmeimim", "Khmeimim"),
    ("Al-Lataminah", "Latamneh", "Latamna"),
    ("Saraqib", "Saraqeb", "Sarakeb"),
    ("Khirbet Hajar", "Khirbethajar", "Kherbet al-Hajjar"),
]


@pytest.mark.parametrize("names", VARIANTS, ids=lambda n: n[0])
def test_spelling_variants_share_a_key(names: tuple[str, ...]) -> None:
    keys = {place_key(n) for n in names}
    assert len(keys) == 1, {n: place_key(n) for n in names}


def test_different_places_have_different_keys() -> None:
    firsts = [place_key(v[0]) for v in VARIANTS]
    assert len(set(firsts)) == len(firsts)
    assert place_key("Kafr Zita") != place_key("Kafr Nubl")


def test_descriptors_and_articles_are_not_the_name() -> None:
    assert place_key("outskirts of Morek") == place_key("Morek")
    assert place_key("al-Habit") == place_key("Habit")


def test_keys_close_is_one_edit_on_three_letters_or_more() -> None:
    assert keys_close("mrtnmn", "mrtnm")  # a letter dropped
    assert keys_close("kfrnbl", "kfrnbd")  # a letter changed
    assert keys_close("ltmn", "ltn")
    assert not keys_close("kfrnbl", "kfrzt")
    assert not keys_close("mr", "m")  # too short to judge
    assert not keys_close("abcd", "abdc")  # a transposition is two edits


def test_party_matches_the_forces_it_is_held_responsible_for() -> None:
    assert party_matches_actor("ru", "Russian Federation", "Military Forces of Russia", None)
    assert party_matches_actor("tr", "Republic of Türkiye", "Military Forces of Turkey", None)
    assert party_matches_actor("ru", "Russian Federation", "Russian Aerospace Forces", None)
    assert not party_matches_actor("tr", "Republic of Türkiye", "Military Forces of Russia", None)
    assert not party_matches_actor("ru", "Russian Federation", "Hay'at Tahrir al-Sham", None)
    assert party_matches_actor("sy", "Syrian Arab Republic", "Military Forces of Syria", None)
