"""Reading Russian, Turkish and Arabic: detection, and each extractor on sentences written here.

The golden documents (tests/data/ingest/docs/50_ru_* … 64_ar_*) pin whole documents; these
tests pin the single rules they rest on, so a failure says which rule broke.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from truce.ingest.actors import ActorDictionary
from truce.ingest.claims import extract_claims
from truce.ingest.lang import ENGLISH, available, get, parse_date_line
from truce.ingest.lang.detect import detect, detect_document
from truce.ingest.lang.rules import hijri_to_gregorian
from truce.ingest.pipeline import Options, read_document
from truce.model.vocab import CasualtyCategory, CasualtyKind, Modality

REF = date(2020, 3, 15)  # a Sunday


# -- detection ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Боевики обстреляли населенный пункт Саракиб в провинции Идлиб.", "ru"),
        ("Rejim güçleri İdlib'in güneyindeki köylere topçu atışı gerçekleştirdi.", "tr"),
        ("Bakanlık açıklamasında saldırının ardından karşılık verildiği belirtildi.", "tr"),
        ("قصفت قوات النظام مدينة سراقب في ريف إدلب الشرقي.", "ar"),
        ("Turkish Defence Minister Hulusi Akar said on Friday that the strikes would go on.", "en"),
        ("Çavuşoğlu and Lavrov met in Moscow to discuss the ceasefire in Idlib.", "en"),
    ],
)
def test_detect_language(text: str, code: str) -> None:
    found = detect(text)
    assert found.language == code
    assert found.confidence > 0.5


def test_too_short_to_judge_takes_the_document_language() -> None:
    assert detect("12:05").language == "und"
    whole, per = detect_document("Обстрел Саракиба", ("13 марта", "Погибли трое мирных жителей."))
    assert whole.language == "ru"
    assert per == ["ru", "ru"]


def test_every_language_folder_is_available() -> None:
    assert set(available()) >= {"en", "ru", "tr", "ar"}
    assert get("en") is ENGLISH
    assert get("xx") is ENGLISH  # an unknown code reads as English
    for code in ("ru", "tr", "ar"):
        assert get(code).code == code


# -- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "sentence", "want"),
    [
        ("ru", "13 марта боевики обстреляли Саракиб.", (date(2020, 3, 13), date(2020, 3, 13))),
        ("ru", "Обстрел произошел 2 апреля 2019 года.", (date(2019, 4, 2), date(2019, 4, 2))),
        ("ru", "Вчера боевики обстреляли Саракиб.", (date(2020, 3, 14), date(2020, 3, 14))),
        ("ru", "В пятницу боевики обстреляли Саракиб.", (date(2020, 3, 13), date(2020, 3, 13))),
        ("ru", "Это произошло 3-4 марта.", (date(2020, 3, 3), date(2020, 3, 4))),
        ("tr", "Rejim 13 Mart'ta Serakib'i vurdu.", (date(2020, 3, 13), date(2020, 3, 13))),
        ("tr", "Saldırı dün gerçekleşti.", (date(2020, 3, 14), date(2020, 3, 14))),
        ("tr", "Saldırı 1 Aralık 2019'da düzenlendi.", (date(2019, 12, 1), date(2019, 12, 1))),
        ("ar", "قصفت قوات النظام سراقب يوم ١٣ آذار.", (date(2020, 3, 13), date(2020, 3, 13))),
        ("ar", "قصفت قوات النظام سراقب في 13 مارس 2019.", (date(2019, 3, 13), date(2019, 3, 13))),
        ("ar", "قصفت قوات النظام سراقب أمس.", (date(2020, 3, 14), date(2020, 3, 14))),
        ("ar", "قصفت قوات النظام سراقب يوم الجمعة.", (date(2020, 3, 13), date(2020, 3, 13))),
    ],
)
def test_dates_resolve_against_publication(
    code: str, sentence: str, want: tuple[date, date]
) -> None:
    found = [d for d in get(code).find_dates(sentence, REF) if d.span is not None]
    assert found, f"no date in {sentence!r}"
    assert (found[0].span.start, found[0].span.end) == want  # type: ignore[union-attr]


def test_a_yearless_date_after_publication_is_last_year() -> None:
    found = get("ru").find_dates("25 декабря боевики обстреляли Саракиб.", REF)
    assert found[0].span is not None and found[0].span.start == date(2019, 12, 25)


def test_relative_dates_need_a_publication_date() -> None:
    found = get("tr").find_dates("Saldırı dün gerçekleşti.", None)
    assert found and found[0].span is None and "published" in found[0].note


def test_hijri_dates() -> None:
    assert hijri_to_gregorian(1440, 9, 1) == date(2019, 5, 6)  # 1 Ramadan 1440
    assert hijri_to_gregorian(1445, 1, 1) == date(2023, 7, 19)  # 1 Muharram 1445 (tabular)
    found = get("ar").find_dates("قصفت الطائرات خان شيخون في ١٥ رمضان ١٤٤٠ هـ.", None)
    assert found and found[0].span is not None
    assert found[0].span.start <= date(2019, 5, 20) <= found[0].span.end
    assert "Hijri" in found[0].note


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("15 марта 2020 года", date(2020, 3, 15)),
        ("Опубликовано: 15.03.2020 в 10:15", date(2020, 3, 15)),
        ("Yayınlanma: 15 Mart 2020", date(2020, 3, 15)),
        ("15 Mart 2020 Pazar, 14:05", date(2020, 3, 15)),
        ("١٥ آذار ٢٠٢٠", date(2020, 3, 15)),
    ],
)
def test_date_lines(line: str, day: date) -> None:
    found = parse_date_line(line)
    assert found is not None and found[0].start == day == found[0].end


def test_a_sentence_is_no_date_line() -> None:
    assert parse_date_line("Боевики обстреляли Саракиб 13 марта") is None


# -- casualties --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "sentence", "want"),
    [
        ("ru", "В результате обстрела погибли трое мирных жителей.", [("civ", "k", 3, 3, 3)]),
        ("ru", "Погибли не менее 7 мирных жителей.", [("civ", "k", 7, 7, None)]),
        ("ru", "Более 10 военнослужащих ранены.", [("com", "i", 11, None, None)]),
        ("ru", "Около 20 человек погибли.", [("unk", "k", 16, 20, 24)]),
        (
            "ru",
            "Погибли трое мирных жителей, еще пять человек получили ранения.",
            [("civ", "k", 3, 3, 3), ("unk", "i", 5, 5, 5)],
        ),
        ("tr", "Saldırıda en az 4 sivil hayatını kaybetti.", [("civ", "k", 4, 4, None)]),
        (
            "tr",
            "Saldırıda yedi sivil öldü, on kişi yaralandı.",
            [("civ", "k", 7, 7, 7), ("unk", "i", 10, 10, 10)],
        ),
        ("tr", "20'den fazla kişi yaralandı.", [("unk", "i", 21, None, None)]),
        (
            "ar",
            "ما أدى إلى مقتل ثلاثة مدنيين وإصابة ٧ آخرين.",
            [("civ", "k", 3, 3, 3), ("civ", "i", 7, 7, 7)],
        ),
        ("ar", "أسفر القصف عن مقتل ما لا يقل عن 12 مدنيا.", [("civ", "k", 12, 12, None)]),
        ("ar", "وإصابة أكثر من 20 شخصا.", [("unk", "i", 21, None, None)]),
    ],
)
def test_casualty_figures(code: str, sentence: str, want: list[tuple[object, ...]]) -> None:
    cat = {
        CasualtyCategory.CIVILIANS: "civ",
        CasualtyCategory.COMBATANTS: "com",
        CasualtyCategory.UNKNOWN: "unk",
    }
    kind = {CasualtyKind.KILLED: "k", CasualtyKind.INJURED: "i"}
    got = [
        (cat[f.category], kind[f.kind], f.low, f.best, f.high)
        for f in get(code).find_figures(sentence)
    ]
    assert got == want


# -- attribution -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "sentence", "originator"),
    [
        (
            "ru",
            "По данным Минобороны России, боевики обстреляли Саракиб.",
            "Ministry of Defence of the Russian Federation",
        ),
        (
            "ru",
            "Боевики обстреляли Саракиб, сообщил Центр по примирению враждующих сторон.",
            "Ministry of Defence of the Russian Federation",
        ),
        (
            "ru",
            "Как сообщила Сирийская обсерватория по правам человека, погибли трое.",
            "Syrian Observatory for Human Rights",
        ),
        (
            "ru",
            "«Зафиксировано 20 обстрелов», - рассказал Сытник.",
            "Ministry of Defence of the Russian Federation",
        ),
        (
            "tr",
            "MSB'nin açıklamasına göre, 5 terörist etkisiz hale getirildi.",
            "Ministry of National Defence of Turkey",
        ),
        (
            "tr",
            "Suriye İnsan Hakları Gözlemevi'ne göre, 9 sivil öldü.",
            "Syrian Observatory for Human Rights",
        ),
        ("tr", "Beyaz Baretliler'in açıklamasına göre 7 sivil öldü.", "Syria Civil Defence"),
        # the passive: by X ... it was announced
        (
            "tr",
            "Saldırıda 2 askerin yaralandığı MSB tarafından açıklandı.",
            "Ministry of National Defence of Turkey",
        ),
        (
            "tr",
            "Milli Savunma Bakanlığı'nca 3 askerin yaralandığı duyuruldu.",
            "Ministry of National Defence of Turkey",
        ),
        (
            "tr",
            "Suriye Gözlem Evi'nin açıklamasına göre 4 sivil öldü.",
            "Syrian Observatory for Human Rights",
        ),
        (
            "ar",
            "بحسب المرصد السوري لحقوق الإنسان، قتل ثلاثة مدنيين.",
            "Syrian Observatory for Human Rights",
        ),
        ("ar", "وقال الدفاع المدني السوري إن فرقه انتشلت الضحايا.", "Syria Civil Defence"),
        ("ar", "ذكرت سانا أن الجيش تصدى لمحاولة تسلل.", "Syrian Arab News Agency"),
        ("ar", "وأفاد ناشطون بمقتل أربعة مدنيين.", "local activists"),
    ],
)
def test_attribution(code: str, sentence: str, originator: str) -> None:
    lang = get(code)
    found = lang.find_attribution(sentence, lang.dictionary(ActorDictionary.default()), None)
    assert found is not None and found.originator == originator
    assert found.text and found.text in sentence


def test_the_attacker_of_a_passive_is_no_source() -> None:
    lang = get("tr")
    dictionary = lang.dictionary(ActorDictionary.default())
    for sentence in (
        "Rejim tarafından yapılan saldırıda 3 sivilin öldüğü bildirildi.",
        "Rejim tarafından yapılan saldırıda 3 sivil öldü.",
    ):
        assert lang.find_attribution(sentence, dictionary, None) is None


def test_a_statement_named_again_is_its_source() -> None:
    """ "Açıklamada, ..." (in the statement): the statement cited before."""
    lang = get("tr")
    dictionary = lang.dictionary(ActorDictionary.default())
    before = lang.find_attribution("Açıklama MSB'den geldi.", dictionary, None)
    assert before is not None
    again = lang.find_attribution(
        "Açıklamada, 3 askerin yaralandığı belirtildi.", dictionary, before
    )
    assert again is not None and again.originator == "Ministry of National Defence of Turkey"
    assert lang.find_attribution("Açıklamada, 3 asker yaralandı.", dictionary, None) is None


def test_the_source_of_a_sentence_a_claim_skipped() -> None:
    """A claim that takes in a later sentence of its event still takes the source of the
    sentence it skipped ("... 3 soldiers wounded. The ministry's statement came. In the
    statement, ...")."""
    name = "69_tr_statement_in_passive.txt"
    path = DOCS / name
    doc = read_document(path.read_bytes(), name, Options())
    claims = extract_claims(doc)
    clash = next(c for c in claims if c.sub_event_type == "Armed clash")
    assert len(clash.spans) == 2  # the first and third sentences, not the second
    assert clash.attribution is not None
    assert clash.attribution.originator == "Ministry of National Defence of Turkey"
    strike = next(c for c in claims if c.sub_event_type == "Air/drone strike")
    assert strike.attribution is not None
    assert strike.attribution.originator == "Syrian Observatory for Human Rights"


def test_no_source_no_attribution() -> None:
    lang = get("ru")
    found = lang.find_attribution(
        "Боевики обстреляли Саракиб.", lang.dictionary(ActorDictionary.default()), None
    )
    assert found is None


# -- events and modality -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "sentence", "sub", "modality"),
    [
        (
            "ru",
            "Боевики обстреляли Саракиб из минометов.",
            "Shelling/artillery/missile attack",
            Modality.OCCURRED,
        ),
        (
            "ru",
            "ВКС России нанесли авиаудар по базе боевиков.",
            "Air/drone strike",
            Modality.OCCURRED,
        ),
        (
            "ru",
            "Минобороны опровергло сообщения об авиаударе по Идлибу.",
            "Air/drone strike",
            Modality.DENIED,
        ),
        (
            "ru",
            "Военные будут проводить совместное патрулирование трассы М4.",
            "Patrol",
            Modality.PLANNED,
        ),
        (
            "tr",
            "Rus savaş uçakları Eriha'ya hava saldırısı düzenledi.",
            "Air/drone strike",
            Modality.OCCURRED,
        ),
        ("tr", "Türk ve Rus askerleri ortak devriye düzenleyecek.", "Patrol", Modality.PLANNED),
        ("tr", "İdlib'de çatışma çıktı.", "Armed clash", Modality.OCCURRED),
        (
            "ar",
            "شنت الطائرات الحربية الروسية غارات على كفرنبل.",
            "Air/drone strike",
            Modality.OCCURRED,
        ),
        (
            "ar",
            "نفت وزارة الدفاع الروسية قصف المخيم.",
            "Shelling/artillery/missile attack",
            Modality.DENIED,
        ),
        ("ar", "تصدت وحدات الجيش لمحاولة تسلل.", "Disrupted weapons use", Modality.FOILED),
    ],
)
def test_triggers_and_modality(code: str, sentence: str, sub: str, modality: Modality) -> None:
    lang = get(code)
    triggers = lang.find_triggers(sentence)
    assert [t.sub_event_type for t in triggers] == [sub]
    assert lang.modality_for(sentence, triggers[0]) == modality


# -- places ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "place"),
    [
        ("ru", "Саракибе", "Saraqab"),  # declined and romanised
        ("ru", "Кафранбеле", "Kafr Nobol"),
        ("tr", "Han Şeyhun", "Khan Shaykun"),
        ("tr", "Eriha", "Ariha"),
        ("ar", "بسراقب", "Saraqab"),  # the proclitic dropped
    ],
)
def test_place_queries_reach_the_gazetteer(code: str, name: str, place: str) -> None:
    from truce.geo import Gazetteer

    gazetteer = Gazetteer.default()
    queries = get(code).place_queries(name)
    assert queries[0] == name  # as written first: the gazetteer's own matching comes first
    found = next(
        (m[0].place.name for q in queries if (m := gazetteer.lookup(q)) and m[0].confidence >= 0.6),
        None,
    )
    assert found == place


def test_english_place_queries_are_the_name_alone() -> None:
    assert list(ENGLISH.place_queries("Saraqib")) == ["Saraqib"]


# -- whole documents ---------------------------------------------------------------------------

DOCS = Path(__file__).resolve().parents[1] / "data" / "ingest" / "docs"


@pytest.mark.parametrize(
    ("name", "language", "sub", "day", "place", "originator"),
    [
        (
            "50_ru_shelling_casualties.txt",
            "ru",
            "Shelling/artillery/missile attack",
            "2020-03-13",
            "Saraqab",
            "Ministry of Defence of the Russian Federation",
        ),
        (
            "56_tr_shelling_civilians.txt",
            "tr",
            "Shelling/artillery/missile attack",
            "2021-08-20",
            "Kansafra",
            "Syria Civil Defence",
        ),
        (
            "60_ar_observatory_shelling.txt",
            "ar",
            "Shelling/artillery/missile attack",
            "2020-03-13",
            "Saraqab",
            "Syrian Observatory for Human Rights",
        ),
    ],
)
def test_a_document_in_each_language(
    name: str, language: str, sub: str, day: str, place: str, originator: str
) -> None:
    path = DOCS / name
    doc = read_document(path.read_bytes(), name, Options())
    claims = extract_claims(doc)
    assert claims
    claim = claims[0]
    assert claim.language == language
    data = claim.to_json(doc.outlet)
    assert data["language"] == language
    assert data["original"]["text"] == claim.text and claim.text in doc.text  # as written
    assert claim.sub_event_type == sub
    assert claim.date is not None and claim.date.start.isoformat() == day
    assert claim.places[0].name == place
    assert claim.attribution is not None and claim.attribution.originator == originator


def test_english_claims_carry_no_language_field() -> None:
    path = DOCS / "14_at_least.txt"
    doc = read_document(path.read_bytes(), path.name, Options())
    claims = extract_claims(doc)
    assert claims and all(c.language == "en" for c in claims)
    assert all("language" not in c.to_json(doc.outlet) for c in claims)


def test_a_russian_report_is_filed_in_russian(tmp_path: Path) -> None:
    from truce.config import Settings
    from truce.ingest.pipeline import ingest_bytes
    from truce.node import Node

    node = Node.init(Settings.from_env(env={}, home=tmp_path / "home"))
    try:
        data = (DOCS / "50_ru_shelling_casualties.txt").read_bytes()
        outcome = ingest_bytes(node, data, "28.txt")
        assert outcome.reports, outcome.fates
        assert outcome.language is not None and outcome.language.language == "ru"
        index = int(outcome.reports[0].removeprefix("R-"))
        body = node.ledger.entry(index).body
        assert body["language"] == "ru"
        assert "Саракиб" in body["text"]
    finally:
        node.close()


def test_a_turkish_text_reads_its_place_names_as_turkish() -> None:
    """The resolver passes the paragraph's language to the gazetteer: "Cisr es-Sugur" (a Turkish
    spelling without its diacritics) is Jisr al-Shughur only when read as Turkish."""
    from truce.ingest.places import Resolver, load_gazetteer

    resolver = Resolver(load_gazetteer())
    name = "Cisr es-Sugur"
    assert not resolver.resolve(0, len(name), name, "place").resolved
    resolver.lang = "tr"
    ref = resolver.resolve(0, len(name), name, "place")
    assert ref.resolved and ref.name == "Jisr-Ash-Shugur"


def test_a_round_up_dates_its_strikes_by_the_lede() -> None:
    """The lede says the day ("الثلاثاء"); the paragraphs after it, one strike each, do not:
    each strike is the lede's day, not the week up to publication."""
    name = "70_ar_roundup_lede_date.txt"
    path = DOCS / name
    doc = read_document(path.read_bytes(), name, Options())
    claims = extract_claims(doc)
    # the lede and its first strike are one claim (the lede names no town); the second strike,
    # in a paragraph of its own, another
    assert [c.places[0].name for c in claims] == ["Kafr Nobol", "Bara"]
    assert {c.date.start.isoformat() for c in claims if c.date} == {"2022-03-15"}
    assert all(c.date and c.date.start == c.date.end for c in claims)
    assert [c.date_method.startswith("the lede") for c in claims] == [False, True]


@pytest.mark.parametrize(
    ("sentence", "want"),
    [
        # "in an air strike by the regime's forces on the town of Kafr Nabl": the strike is no place
        ("قتل ثلاثة مدنيين في قصف جوي لقوات النظام على بلدة كفرنبل.", ["كفرنبل"]),
        # "in southern Idlib": a part of the governorate, not the city of Idlib
        ("أسفر القصف على مناطق عدة في جنوب إدلب عن مقتل ثمانية مدنيين.", ["جنوب إدلب"]),
    ],
)
def test_arabic_place_names_are_places(sentence: str, want: list[str]) -> None:
    assert [name for _, _, name, _ in get("ar").find_place_names(sentence)] == want


def test_a_direction_of_a_governorate_is_its_part() -> None:
    ar = get("ar")
    assert list(ar.place_queries("جنوب إدلب"))[-1] == "southern Idlib"
    assert list(ar.place_queries("شمالي حماة"))[-1] == "northern Hama"


def test_one_claim_per_governorate_a_sentence_names() -> None:
    """ "обстрел провинции Хама и района города Алеппо": two events, one in each governorate;
    the city of Aleppo is looked up in Aleppo, not in Hama named before it; the villages the
    next sentence names in Hama join the Hama claim."""
    name = "71_ru_two_governorates.txt"
    path = DOCS / name
    doc = read_document(path.read_bytes(), name, Options())
    claims = extract_claims(doc)
    got = [
        sorted({p.location.admin1 for p in c.places if p.location and p.location.admin1})
        for c in claims
    ]
    assert got == [["Hama"], ["Aleppo"]]
    assert claims[0].places[0].name == "Kafr Nabutha"
    assert claims[1].places[0].name == "Aleppo" and claims[1].places[0].resolved
    mod = "Ministry of Defence of the Russian Federation"
    assert all(c.attribution and c.attribution.originator == mod for c in claims)


def test_a_news_flash_dates_its_undated_events_by_its_stamp() -> None:
    """Stamped "12.05.2022 Perşembe 14:20": an undated strike is that day or the night before;
    an event the ministry's own statement reports is the statement's day. Without the hour the
    same text is the week up to publication."""
    name = "72_tr_news_flash.txt"
    path = DOCS / name
    data = path.read_bytes()
    claims = extract_claims(read_document(data, name, Options()))
    got = [
        (c.sub_event_type, c.date.start.isoformat(), c.date.end.isoformat())
        for c in claims
        if c.date
    ]
    assert got == [
        ("Air/drone strike", "2022-05-11", "2022-05-12"),
        ("Shelling/artillery/missile attack", "2022-05-12", "2022-05-12"),
    ]
    plain = data.replace(b" 14:20", b"")
    weekly = extract_claims(read_document(plain, name, Options()))
    assert all(c.date and c.date.start.isoformat() == "2022-05-06" for c in weekly)


def test_the_source_told_next_is_not_lent_by_a_later_denial() -> None:
    """ "... five civilians were killed. Об этом сообщает агентство со ссылкой на SOHR." then
    "The Russian MoD denied the strike": the strike is the Observatory's report."""
    name = "73_ru_source_then_denial.txt"
    path = DOCS / name
    claims = extract_claims(read_document(path.read_bytes(), name, Options()))
    strike = claims[0]
    assert strike.sub_event_type == "Air/drone strike"
    assert strike.attribution is not None
    assert strike.attribution.originator == "Syrian Observatory for Human Rights"
