"""Gazetteer lookups on the shipped data: the village check of SOURCES.md, Arabic script,
disambiguation, unknown names, registered sites."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from truce.errors import NotFoundError, ValidationError
from truce.geo import Gazetteer, Place
from truce.geo.distance import haversine_km
from truce.model.vocab import GeoPrecision


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


# SOURCES.md, "Village check": (spellings, governorate, GeoNames id and point, OCHA id and point)
VILLAGES = [
    (("Jarjanaz", "Jarjnaz", "Jarjanāz", "جرجناز"), "Idlib",
     ("geonames:169168", 35.61823, 36.78281), ("ocha:C3977", 35.61884, 36.782724)),
    (("Kafr Nabuda", "Kafr Nabutha", "Kafr Nabūdah", "كفر نبودة", "Kfar Nabuda"), "Hama",
     ("geonames:168660", 35.43175, 36.49354), ("ocha:C3209", 35.432232, 36.490839)),
    (("Qah", "Kah", "Qāḩ", "قاح"), "Idlib",
     ("geonames:166248", 36.29720, 36.72512), ("ocha:C4131", 36.296273, 36.725165)),
    (("Trumba", "Tromba", "Ţurumbah", "ترنبة", "طرمبة"), "Idlib",
     ("geonames:163092", 35.85979, 36.76833), ("ocha:C3908", 35.860344, 36.76914)),
    (("Urum al-Joz", "Orm Eljoz", "Ūrum al Jawz", "أورم الجوز", "Urum el Jawz"), "Idlib",
     ("geonames:162779", 35.79192, 36.56668), ("ocha:C4269", 35.791206, 36.567049)),
    (("Morek", "Murak", "Mūrak", "مورك", "Mork"), "Hama",
     ("geonames:166640", 35.37615, 36.68970), ("ocha:C3029", 35.373927, 36.689318)),
    (("Hmeimim", "Khmeimim", "Ḩumaymīm", "حميميم", "Humaymim"), "Latakia",
     ("geonames:169492", 35.40081, 35.94032), ("ocha:C3588", 35.399211, 35.931647)),
]  # fmt: skip

CASES = [
    (spelling, admin1, gn, ocha)
    for spellings, admin1, gn, ocha in VILLAGES
    for spelling in spellings
]


@pytest.mark.parametrize(("name", "admin1", "geonames", "ocha"), CASES, ids=[c[0] for c in CASES])
def test_village_check(
    gaz: Gazetteer,
    name: str,
    admin1: str,
    geonames: tuple[str, float, float],
    ocha: tuple[str, float, float],
) -> None:
    matches = gaz.lookup(name, admin1=admin1)
    assert matches, name
    place = matches[0].place
    assert place.admin1 == admin1
    assert {geonames[0], ocha[0]} <= set(place.ids)  # both sources merged into one place
    for _, lat, lon in (geonames, ocha):
        assert haversine_km(float(place.lat), float(place.lon), lat, lon) < 1.0
    assert matches[0].confidence >= 0.75
    assert gaz.get(geonames[0]) is place and gaz.get(ocha[0]) is place


@pytest.mark.parametrize(
    ("spellings", "ident", "admin1"),
    [
        (("Khan Shaykhun", "Khan Sheikhoun", "Khān Shaykhūn", "خان شيخون"), "ocha:C3987", "Idlib"),
        (
            ("Ma`arrat an Nu`man", "Maarat al-Numan", "Maaret al-Noman", "معرة النعمان"),
            "ocha:C3985",
            "Idlib",
        ),
        (("Jisr ash Shughur", "Jisr al-Shughour", "جسر الشغور"), "ocha:C4199", "Idlib"),
        (("Kafr Nubl", "Kafranbel", "كفرنبل"), "ocha:C4068", "Idlib"),
        (("Saraqib", "Sarakeb"), "ocha:C3916", "Idlib"),
        (("Al-Lataminah", "Latamneh"), "ocha:C3458", "Hama"),
    ],
)
def test_domain_spellings_find_one_town(
    gaz: Gazetteer, spellings: tuple[str, ...], ident: str, admin1: str
) -> None:
    for name in spellings:
        best = gaz.lookup(name)[0]  # no admin1 given: these names are unambiguous
        assert best.place.id == ident, name
        assert best.place.admin1 == admin1
        assert best.confidence >= 0.9 and best.ambiguous == 1


def test_results_are_sorted_and_bounded(gaz: Gazetteer) -> None:
    matches = gaz.lookup("Shamiyeh")
    assert len(matches) > 1
    confidences = [m.confidence for m in matches]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0.0 <= c <= 1.0 for c in confidences)
    assert matches[0].confidence_str() == f"{matches[0].confidence:.2f}"


def test_ambiguous_name_has_low_confidence_until_admin1_decides(gaz: Gazetteer) -> None:
    # Ţurumbah is a village in Idlib (Saraqib) and one in Hasakah.
    plain = gaz.lookup("Ţurumbah")
    assert plain[0].ambiguous >= 2 and plain[0].confidence <= 0.7
    assert {m.place.admin1 for m in plain} >= {"Idlib", "Hasakah"}
    idlib = gaz.lookup("Ţurumbah", admin1="Idleb")  # OCHA's spelling of the governorate
    assert idlib[0].place.id == "ocha:C3908"
    assert idlib[0].confidence > plain[0].confidence and idlib[0].ambiguous == 1
    hasakah = gaz.lookup("Ţurumbah", admin1="SY08")
    assert hasakah[0].place.admin1 == "Hasakah"


def test_disambiguation_by_nearby_places(gaz: Gazetteer) -> None:
    # "Shamiyeh" is in Latakia and in Raqqa (and elsewhere); the document also names Jableh.
    jableh = gaz.lookup("Jableh")[0].place
    near_latakia = gaz.lookup("Shamiyeh", near=[jableh])
    assert near_latakia[0].place.admin1 == "Latakia"
    assert near_latakia[0].distance_km is not None and near_latakia[0].distance_km < 50
    raqqa = gaz.lookup("Raqqa")[0].place
    assert gaz.lookup("Shamiyeh", near=[raqqa])[0].place.admin1 == "Raqqa"


def test_a_governorate_capital_wins_over_hamlets(gaz: Gazetteer) -> None:
    hama = gaz.lookup("Hama")
    assert hama[0].place.admin1 == "Hama" and hama[0].place.id == "ocha:C2987"
    assert hama[0].confidence == 1.0
    assert all(m.confidence < 0.6 for m in hama[1:])


def test_admin1_aliases_and_bad_admin1(gaz: Gazetteer) -> None:
    for alias in ("Latakia", "Lattakia", "اللاذقية", "SY06"):
        assert gaz.lookup("Hmeimim", admin1=alias)[0].place.admin1 == "Latakia"
    with pytest.raises(ValidationError, match="admin1 'Atlantis'"):
        gaz.lookup("Hmeimim", admin1="Atlantis")


@pytest.mark.parametrize(
    "name",
    # Monday and Xqmidawo share consonants with villages (Mand, Xeique Amade) but not enough.
    ["Xyzzy", "Qwertyuiop al-Foo", "", "   ", "Anadolu", "!!!", "Monday", "Xqmidawo", "Putin"],
)
def test_unknown_names_give_nothing(gaz: Gazetteer, name: str) -> None:
    assert gaz.lookup(name) == []


def test_hmeimim_is_in_latakia_near_jableh(gaz: Gazetteer) -> None:
    place = gaz.lookup("Hmeimim")[0].place
    assert (place.admin1, place.admin1_pcode, place.admin2) == ("Latakia", "SY06", "Jablah")
    jableh = gaz.lookup("Jableh", admin1="Latakia")[0].place
    assert (
        haversine_km(float(place.lat), float(place.lon), float(jableh.lat), float(jableh.lon)) < 10
    )


def test_descriptor_words_fall_back_to_the_town(gaz: Gazetteer) -> None:
    match = gaz.lookup("Hmeimim air base")[0]
    assert match.method == "descriptor" and match.place.id == "ocha:C3588"
    assert match.confidence < 0.9
    assert gaz.lookup("the village of Jarjanaz")[0].place.id == "ocha:C3977"


def test_registered_site_is_found_by_name() -> None:
    gaz = Gazetteer.default().copy()
    site = gaz.register(
        Place(
            id="site:hmeimim-air-base",
            name="Hmeimim Air Base",
            names=("Khmeimim airbase", "Hmeimim airbase"),
            name_ar="قاعدة حميميم الجوية",
            lat=Decimal("35.40110"),
            lon=Decimal("35.94870"),
        )
    )
    assert site.kind == "site" and site.admin1 == "Latakia" and site.admin2_pcode == "SY0602"
    for name in ("Hmeimim air base", "Khmeimim Air Base", "Hmeimim airbase", "قاعدة حميميم الجوية"):
        best = gaz.lookup(name)[0]
        assert best.place.id == "site:hmeimim-air-base", name
        assert best.method in ("exact", "normalised", "arabic", "skeleton")
    assert gaz.get("site:hmeimim-air-base") == site
    # The village is still the village, and the shared default does not see the site.
    assert gaz.lookup("Hmeimim")[0].place.id == "ocha:C3588"
    assert Gazetteer.default().lookup("Hmeimim air base")[0].method == "descriptor"
    with pytest.raises(NotFoundError):
        Gazetteer.default().get("site:hmeimim-air-base")
    # Registering the same id again replaces it.
    gaz.register(Place(id="site:hmeimim-air-base", name="Russian base", lat=35.4, lon=35.95))
    assert gaz.lookup("Hmeimim Air Base")[0].method == "descriptor"
    assert gaz.lookup("Russian base")[0].place.id == "site:hmeimim-air-base"


def test_place_location_for_a_report(gaz: Gazetteer) -> None:
    place = gaz.lookup("Jarjanaz")[0].place
    location = place.location("Jarjanaz")
    assert location.gazetteer_id == "ocha:C3977"
    assert location.point is not None and location.point.lat == place.lat
    assert location.admin1 == "Idlib" and location.area == place.admin3_pcode
    assert location.precision == GeoPrecision.TOWN
    assert isinstance(place.lat, Decimal) and place.lat.as_tuple().exponent == -5


def test_place_is_valid_from_construction() -> None:
    with pytest.raises(ValueError, match="out of range"):
        Place(id="x:1", name="Nowhere", lat=Decimal("95"), lon=Decimal("0"))
    with pytest.raises(ValueError, match="id and a name"):
        Place(id="", name="Nowhere", lat=Decimal("1"), lon=Decimal("0"))
    p = Place(id="x:1", name="A", lat=1.234567, lon=2)  # type: ignore[arg-type]
    assert p.lat == Decimal("1.23457") and p.names == ("A",) and p.ids == ("x:1",)


def test_get_unknown_id(gaz: Gazetteer) -> None:
    with pytest.raises(NotFoundError, match="geonames:1"):
        gaz.get("geonames:1")


def test_near_does_not_doubt_a_name_with_one_candidate(gaz: Gazetteer) -> None:
    far_away = gaz.lookup("Damascus")[0].place  # 240 km from Jarjanaz
    alone = gaz.lookup("Jarjanaz", near=[far_away])
    assert alone[0].confidence == 1.0
    assert alone[0].distance_km is not None and alone[0].distance_km > 200


def test_copies_keep_their_own_sites() -> None:
    base = Gazetteer.default().copy()
    base.register(Place(id="site:post-1", name="Observation Post One", lat=35.7, lon=36.6))
    snapshot = base.copy()
    base.register(Place(id="site:post-2", name="Observation Post Two", lat=35.8, lon=36.7))
    assert snapshot.lookup("Observation Post One")[0].place.id == "site:post-1"
    assert snapshot.lookup("Observation Post Two") == []
    assert base.lookup("Observation Post Two")[0].place.id == "site:post-2"
    assert len(base) == len(snapshot) + 1
    for i in range(200):  # registering many sites stays cheap (no rebuild per site)
        base.register(Place(id=f"site:p{i}", name=f"Checkpoint {i}", lat=35.5, lon=36.5))
    assert base.lookup("Checkpoint 199")[0].place.id == "site:p199"
    assert base.get("site:p7").admin1 == "Idlib"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_lookup_never_fails_and_never_invents(text: str) -> None:
    gaz = Gazetteer.default()
    for match in gaz.lookup(text):
        assert 0.0 <= match.confidence <= 1.0
        assert gaz.get(match.place.id) is match.place  # only places that exist
    assert gaz.lookup("Jarjanaz " * 40) == []  # a sentence is not a name
