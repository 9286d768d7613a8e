"""The Russian reconciliation centre's daily bulletin shape → per-area violation counts, with
bulletins written for these tests."""

from __future__ import annotations

from datetime import date

from truce.ingest.bulletins import ADMIRALTY, parse_ru_bulletin

BULLETIN = """Брифинг Центра по примирению враждующих сторон (14 марта 2020 г.)

За прошедшие сутки в зоне деэскалации Идлиб зарегистрировано 27 обстрелов со стороны
незаконных вооруженных формирований: в провинции Латакия – 2, Алеппо – 5, Идлиб – 12,
Хама – 8.

Российские военные продолжают патрулирование."""


def test_counts_per_area_attributed_to_the_issuer() -> None:
    (counts,) = parse_ru_bulletin(BULLETIN)
    assert counts.total == 27 and counts.consistent
    assert [(a.name, a.count, a.pcode) for a in counts.areas] == [
        ("Латакия", 2, "SY06"),
        ("Алеппо", 5, "SY02"),
        ("Идлиб", 12, "SY07"),
        ("Хама", 8, "SY05"),
    ]
    assert counts.period == date(2020, 3, 13)  # "over the past day": the day before
    assert counts.speaker_party == "ru" and counts.adverse and counts.admiralty == ADMIRALTY
    assert counts.to_json()["areas"][3]["area"] == "Hama"


def test_the_given_date_wins_and_inconsistent_totals_are_flagged() -> None:
    text = (
        "За прошедшие сутки зарегистрировано 10 обстрелов: в провинциях Алеппо – 3, "
        "Латакия – 4, Нигдебург – 1."
    )
    (counts,) = parse_ru_bulletin(text, published=date(2021, 6, 2))
    assert counts.period == date(2021, 6, 1)
    assert not counts.consistent
    assert [a.pcode for a in counts.areas] == ["SY02", "SY06", None]
    assert any("Нигдебург" in n for n in counts.notes)
    assert any("add up to 8, not 10" in n for n in counts.notes)
    assert not counts.adverse  # this one does not say whose violations


def test_text_without_the_shape_gives_nothing() -> None:
    assert parse_ru_bulletin("Российские военные продолжают патрулирование.") == []
