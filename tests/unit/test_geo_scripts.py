"""Place names in Cyrillic, Turkish and Arabic script reach the gazetteer's places."""

from __future__ import annotations

import pytest

from truce.errors import ValidationError
from truce.geo import Gazetteer
from truce.geo.multilingual import MULTILINGUAL, add_names, read_names, trim
from truce.geo.names import (
    arabic_key,
    arabic_skeleton,
    cyrillic_to_latin,
    has_cyrillic,
    latin_key,
    skeleton,
    turkish_to_ascii,
)
from truce.geo.place import Place


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("Саракиб", "ru"),
        ("Серакиб", "ru"),
        ("Serakib", "tr"),
        ("Serakib", None),
        ("سراقب", "ar"),
        ("سَرَاقِب", None),
        ("Saraqib", "en"),
    ],
)
def test_saraqib_in_every_script(gaz: Gazetteer, name: str, lang: str | None) -> None:
    match = gaz.lookup(name, lang=lang)[0]
    assert "Saraqib" in match.place.names, (name, match)
    assert match.place.admin1_pcode == "SY07"


@pytest.mark.parametrize(
    ("name", "lang", "expect"),
    [
        ("Хмеймим", "ru", "Hmeimim"),
        ("Хан-Шейхун", "ru", "Khan Shaykhun"),
        ("Маарет-эн-Нууман", "ru", "Ma'arrat An Nu'man"),
        ("Джиср-эш-Шугур", "ru", "Jisr ash Shughur"),
        ("Cisr-ı Şuğur", "tr", "Jisr ash Shughur"),
        ("خان شيخون", "ar", "Khan Shaykhun"),
    ],
)
def test_exonyms_and_transliterations(gaz: Gazetteer, name: str, lang: str, expect: str) -> None:
    want = gaz.lookup(expect)[0].place
    got = gaz.lookup(name, lang=lang)
    assert got, name
    assert got[0].place.id == want.id, (name, got[0], want)


def test_a_russian_name_the_data_lacks_is_still_found(gaz: Gazetteer) -> None:
    # Hold the Russian and Arabic names of one town out: its Latin spellings must suffice.
    town = gaz.lookup("Saraqib")[0].place
    held = {n for n in town.names if has_cyrillic(n)} | set(town.names_ar)
    assert "Саракиб" not in held and "Серакиб" in held
    bare = Gazetteer(add_names(list(gaz), {}, skip={town.id: held}), gaz.admin)
    assert not any(has_cyrillic(n) for n in bare.get(town.id).names)
    for name in ("Саракиб", "Серакиб"):
        assert bare.lookup(name, lang="ru")[0].place.id == town.id, name
    got = bare.lookup("سراقب", lang="ar")
    assert got[0].place.id == town.id and got[0].method == "skeleton"


def test_unknown_lang_is_refused(gaz: Gazetteer) -> None:
    with pytest.raises(ValidationError, match="lang 'de'"):
        gaz.lookup("Saraqib", lang="de")


def test_folding_rules() -> None:
    assert cyrillic_to_latin("Джиср") == "jisr"
    assert cyrillic_to_latin("Хомс") == "khoms"
    assert latin_key("Саракиб") == latin_key("Saraqib").replace("q", "k")
    assert skeleton("Хмеймим") == skeleton("Hmeimim") == "hmmm"
    assert turkish_to_ascii("Cisr-ı Şuğur") == "Jisr-i Shughur"
    assert arabic_key("إدلِب") == arabic_key("ادلب")
    assert arabic_key("مدرسة") == arabic_key("مدرسه")
    assert arabic_skeleton("سراقب") == skeleton("Saraqib") == "srkb"
    assert arabic_skeleton("معرة النعمان") == skeleton("Ma`arrat an Nu`man")


def test_trimmed_file_is_what_trim_writes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "src.tsv"
    src.write_text(
        "wof_id\tgeonames_id\tplacetype\tlat\tlon\tregion\tlang\tkind\tname\n"
        "1\t11\tlocality\t35\t36\tIdlib\tara\tpreferred\tسراقب\n"
        "1\t11\tlocality\t35\t36\tIdlib\tara\tvariant\tSarāqib\n"
        "1\t11\tlocality\t35\t36\tIdlib\teng\tpreferred\tSaraqib\n"
        "1\t11\tlocality\t35\t36\tIdlib\tnld\tpreferred\tSaraqib\n"
        "1\t11\tlocality\t35\t36\tIdlib\tukr\tpreferred\tСаракіб\n"
        "1\t11\tlocality\t35\t36\tIdlib\tfas\tpreferred\tسراقب\n"
        "1\t11\tlocality\t35\t36\tIdlib\tzho\tpreferred\t萨拉奇卜\n"
        "2\t\tlocality\t35\t36\tIdlib\trus\tpreferred\tТест\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.tsv"
    assert trim(src, out) == (8, 4)
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()[1:]]
    assert [(r[3], r[4]) for r in rows] == [
        ("ara", "سراقب"),
        ("eng", "Saraqib"),
        ("und", "Sarāqib"),
        ("rus", "Тест"),
    ]
    names = read_names(out)
    assert ("rus", "Тест") in names["wof:2"]
    assert names["geonames:11"] == names["wof:1"]
    place = Place(id="geonames:11", name="X", lat=35, lon=36, ids=("geonames:11",))  # type: ignore[arg-type]
    added = add_names([place], names)[0]
    assert "Saraqib" in added.names and added.name_ar == "سراقب"


def test_shipped_file_has_russian_names() -> None:
    names = read_names(MULTILINGUAL)
    russian = {n for pairs in names.values() for lang, n in pairs if has_cyrillic(n)}
    assert len(russian) > 300
