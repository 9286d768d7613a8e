"""Sentence segmentation with character spans, for news English.

A sentence ends at ``.``, ``!`` or ``?`` (closing quotes and brackets included) followed by
white space and a capital, digit or opening quote, except after a known abbreviation ("Gen.",
"U.S.", "Jan.") or an initial, and never inside a quotation: a quoted statement of two sentences
followed by "…, the agency quoted him as saying" stays one sentence, so the attribution stays with
what it attributes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Sentence", "split_sentences"]

_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "cpt",
        "sgt",
        "cmdr",
        "adm",
        "brig",
        "st",
        "mt",
        "ft",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "no",
        "nos",
        "vs",
        "etc",
        "approx",
        "est",
        "dept",
        "govt",
        "gov",
        "sen",
        "rep",
        "u.s",
        "u.n",
        "u.k",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
        "inc",
        "ltd",
        "co",
        "corp",
        "al",
    ]
)
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]?[A-Z0-9\u0600-\u06ff])")
_OPEN = "“«"
_CLOSE = "”»"


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int  # offsets in the text that was split
    end: int
    text: str


def _inside_quote(text: str, upto: int, start: int) -> bool:
    segment = text[start:upto]
    curly = sum(segment.count(c) for c in _OPEN) - sum(segment.count(c) for c in _CLOSE)
    straight = segment.count('"') % 2
    return (curly > 0 or straight == 1) and upto - start < 600


def split_sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Sentences of ``text``; spans are shifted by ``offset`` (a paragraph's place in a body)."""
    out: list[Sentence] = []
    start = 0
    while start < len(text) and text[start].isspace():
        start += 1
    for m in _END.finditer(text):
        end = m.end()
        if end <= start:
            continue
        word = re.search(r"([\w.]+)[.!?…]*[\"'”’»)\]]*$", text[start:end])
        token = word.group(1).rstrip(".").lower() if word else ""
        if m.group(0).startswith(".") and (
            token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())
        ):
            continue
        if _inside_quote(text, m.start(), start):
            continue
        out.append(Sentence(start + offset, end + offset, text[start:end]))
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    tail = text[start:].rstrip()
    if tail:
        out.append(Sentence(start + offset, start + len(tail) + offset, tail))
    return out
