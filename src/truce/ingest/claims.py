"""Claims: the events a document reports, each a report draft with its evidence in the text.

The article body is split into sentences (:mod:`truce.ingest.sentences`); each sentence is read
for event triggers and their modality (:mod:`truce.ingest.events`), dates
(:mod:`truce.ingest.timex`), places (:mod:`truce.ingest.places`), actors
(:mod:`truce.ingest.actors`), casualty figures (:mod:`truce.ingest.casualties`) and attribution
(:mod:`truce.ingest.attribution`). Sentences then become claims:

- a trigger starts a claim, unless it continues the previous one: the same sub-event type in the
  same or the next paragraph, with no conflicting date or place and no "separately"/"another"
  cue ("The Russian MoD confirmed that *the airstrikes* were coordinated with Turkey" adds to the
  airstrike claim);
- a sentence with no trigger adds its casualties, places and dates to the claim before it in the
  paragraph ("Several civilians ... were killed as a result of these violations"), or starts an
  attack claim of its own when it reports deaths with nothing to attach to;
- "X foiled the plan" marks the latest planned claim as foiled (ACLED "Disrupted weapons use"),
  dated by the foiling sentence, and makes the planner the target of X's own claim;
- a claim with no date of its own takes the statement date for plans and announcements, the
  last date stated earlier in the paragraph, or else the week up to publication (precision:
  week); with no confident publication date, relative dates stay unresolved;
- a claim's places lead with the most precise one resolved (a town or site before a road or
  named area, before an admin area, before a name the gazetteer does not know): the first
  becomes the report's location;
- a claim with no place takes the governorate the document is mostly about, marked as context.

Attribution stated once ("According to the Ministry of Defense of Russia, ...") carries to the
following sentences of the paragraph. Reader comments are never read here.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from truce.ingest.actors import ActorDictionary, ActorEntry, Mention
from truce.ingest.attribution import Attribution, document_source
from truce.ingest.casualties import Figure, combine
from truce.ingest.document import Document
from truce.ingest.events import Trigger
from truce.ingest.lang import ENGLISH, Language
from truce.ingest.lang import get as get_language
from truce.ingest.lang.detect import detect_document
from truce.ingest.places import PlaceRef, Resolver, _plausible, load_gazetteer
from truce.ingest.timex import DateMention, Span, parse_date_line
from truce.model.vocab import (
    ActorRole,
    CasualtyCategory,
    EventType,
    GeoPrecision,
    Inter,
    Modality,
    SourceKind,
    TimePrecision,
    event_family,
)

__all__ = ["ActorRef", "Claim", "extract_claims"]

_ANAPHORIC = re.compile(
    r"\b(?:the|these|this|those|such|that|its|their|both)\s+(?:\w+\s+){0,2}$", re.I
)
_NO_TRIGGER_LINK = re.compile(
    r"\b(?:as a result|these|this|the (?:attacks?|strikes?|raids?|shelling|bombardment|bombing"
    r"|violations?|clashes|incident|explosions?|blasts?|car bomb)|in the (?:attack|strike|raid"
    r"|shelling|bombing)|\w+['’]s (?:attack|strike|raid|shelling|bombardment|bombing|massacre"
    r"|explosion|blast|car bomb))\b",
    re.I,
)
_SEPARATE = re.compile(
    r"\b(?:separately|another|in a separate|elsewhere|meanwhile|in another|a second|also on)\b",
    re.I,
)
#: What comes before a date in a dateline: "Beirut, " or "BEIRUT, Syria, " at a sentence's start.
_DATELINE_BEFORE = re.compile(
    r"^\s*[A-Z][A-Za-z'’.-]+(?:\s+[A-Z][A-Za-z'’.-]+){0,2},(?:\s*[A-Z]\w+,)?\s*$"
)
_DATELINE_END = re.compile(r"\)\s*[:–—-]?|\s[–—-]\s|:")
#: A sentence set at another time than the story's ("two days earlier", "last month"): its
#: event is another, even where it names no date of its own.
_OTHER_TIME = re.compile(
    r"\b(?:(?:\w+|\d+)\s+(?:days?|weeks?|months?|years?)\s+(?:earlier|before|ago|later)"
    r"|earlier (?:this|that|in the) (?:week|month|year)|last (?:week|month|year)|previously"
    r"|in (?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)|since (?:then|\d{4})|(?:has|have|had) since|the previous (?:day|week|month))\b",
    re.I,
)
_OBJECT_OF = re.compile(
    r"\b(?:on|for|about|against|over|regarding|to hold|to stop|to end)\s+(?:the\s+|their\s+)?"
    r"(?:[\w-]+\s+){0,2}$",
    re.I,
)
_COORDINATED = re.compile(
    r"\b(?:coordinated|in coordination|jointly|together|in cooperation)\s+with\s+", re.I
)
_TARGET_PREP = re.compile(r"\b(?:on|against|targeting|at|toward|towards|near)\s+(?:the\s+)?$", re.I)
_FUTURE_MODALITIES = (Modality.PLANNED, Modality.ANNOUNCED)
_GOVERNORATE_WORDS = re.compile(r"\b(Idlib|Idleb|Hama|Aleppo|Latakia|Lattakia)\b")


@dataclass(frozen=True)
class ActorRef:
    name: str
    role: ActorRole
    inter: Inter
    country: str | None
    text: str  # as written

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "role": self.role.value,
            "inter": int(self.inter),
            "text": self.text,
        }
        if self.country:
            data["country"] = self.country
        return data


@dataclass
class Claim:
    """One event as the document reports it (a report draft; see :mod:`truce.ingest.report`)."""

    event_type: EventType
    sub_event_type: str
    modality: Modality
    trigger: str
    paragraph: int
    mode: str = ""
    date: Span | None = None
    date_text: str = ""
    date_method: str = ""
    said_on: Span | None = None
    said_on_text: str = ""
    places: list[PlaceRef] = field(default_factory=list)
    actors: list[ActorRef] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    attribution: Attribution | None = None
    attribution_carried: bool = False
    attribution_basis: str = ""  # where a source not in the claim's own sentences came from
    spans: list[tuple[int, int]] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sentence_index: int = 0
    #: "caption" or "crosshead" when the claim was first read there (see ``Document.marks``).
    mark: str = ""
    #: Why the claim is background, not an event the article reports (a caption about another
    #: time); such a claim is queued for review, never filed as it stands.
    background: str = ""
    #: The language its sentences are written in (:mod:`truce.ingest.lang.detect`); the
    #: sentences stay as written, the other fields are truce's (English) vocabulary.
    language: str = "en"

    @property
    def text(self) -> str:
        return " ".join(self.sentences)

    def casualties(self) -> list[tuple[Figure, list[Figure]]]:
        return combine(self.figures)

    def add_actor(self, ref: ActorRef) -> None:
        for existing in self.actors:
            if existing.name == ref.name:
                return
        self.actors.append(ref)

    def add_place(self, ref: PlaceRef) -> None:
        key = ref.gazetteer_id or ref.text.casefold()
        for existing in self.places:
            if (existing.gazetteer_id or existing.text.casefold()) == key:
                return
        self.places.append(ref)

    def to_json(self, outlet: str | None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "event_type": self.event_type.value,
            "sub_event_type": self.sub_event_type,
            "modality": self.modality.value,
            "trigger": self.trigger,
        }
        if self.mode:
            data["mode"] = self.mode
        data["date"] = (
            None
            if self.date is None
            else {
                "start": self.date.start.isoformat(),
                "end": self.date.end.isoformat(),
                "precision": int(self.date.precision),
                "text": self.date_text,
                "method": self.date_method,
            }
        )
        if self.said_on is not None:
            data["said_on"] = self.said_on.iso()
        data["places"] = [p.to_json() for p in self.places]
        data["actors"] = [a.to_json() for a in self.actors]
        data["casualties"] = [
            {
                "category": c.category.value,
                "kind": c.kind.value,
                "low": c.low,
                "best": c.best,
                "high": c.high,
                "text": c.text,
                **({"figures": [f.text for f in fs]} if len(fs) > 1 else {}),
            }
            for c, fs in self.casualties()
        ]
        attribution: dict[str, Any] = {"source": outlet}
        if self.attribution is not None:
            attribution.update(self.attribution.to_json())
            if self.attribution_basis:
                attribution["basis"] = self.attribution_basis
            elif self.attribution_carried:
                attribution["carried_from_earlier_sentence"] = True
        else:
            attribution["originator"] = outlet
        data["attribution"] = attribution
        data["spans"] = [list(s) for s in self.spans]
        data["text"] = self.text
        if self.mark:
            data["from"] = self.mark
        if self.background:
            data["background"] = self.background
        if self.notes:
            data["notes"] = list(dict.fromkeys(self.notes))
        if self.language != "en":
            # the original-language text, for showing beside the English fields
            data["language"] = self.language
            data["original"] = {"language": self.language, "text": self.text}
        return data


@dataclass
class _Sentence:
    index: int
    paragraph: int
    start: int
    end: int
    text: str
    attribution: Attribution | None
    carried: bool
    dates: list[DateMention]
    said_on: DateMention | None
    triggers: list[Trigger]
    actors: list[Mention]
    figures: list[Figure]
    places: list[PlaceRef]
    foil: re.Match[str] | None
    source_actors: list[Mention] = field(default_factory=list)
    mark: str = ""
    language: Language = ENGLISH


def _overlaps(start: int, end: int, spans: tuple[tuple[int, int], ...]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _document_admin1(doc: Document) -> str | None:
    counts = Counter(
        m.group(1).replace("Idleb", "Idlib").replace("Lattakia", "Latakia")
        for m in _GOVERNORATE_WORDS.finditer((doc.title or "") + " " + doc.text)
    )
    return counts.most_common(1)[0][0] if counts else None


def extract_claims(
    doc: Document,
    *,
    gazetteer: Any = "default",
    dictionary: ActorDictionary | None = None,
    languages: list[str] | None = None,
) -> list[Claim]:
    """The claims in ``doc``'s body, in text order. ``gazetteer=None`` leaves places unresolved.

    Each paragraph is read in its language: ``languages`` (one code per paragraph), or as
    :func:`truce.ingest.lang.detect.detect_document` finds them."""
    gaz = load_gazetteer() if gazetteer == "default" else gazetteer
    dictionary = dictionary or ActorDictionary.default()
    reference = doc.published.day
    if languages is None:
        languages = detect_document(doc.title, doc.body)[1]
    readers = [get_language(code) for code in languages]
    sentences = list(_read_sentences(doc, dictionary, Resolver(gaz), reference, readers))
    claims: list[Claim] = []
    for sentence in sentences:
        _assemble(sentence, claims, dictionary)
    _finish(doc, claims, sentences, gaz, reference, dictionary)
    return claims


def _read_sentences(
    doc: Document,
    base_dictionary: ActorDictionary,
    resolver: Resolver,
    reference: Any,
    readers: list[Language],
) -> Any:
    previous: Attribution | None = None
    index = 0
    for p, paragraph in enumerate(doc.body):
        lang = readers[p] if p < len(readers) else ENGLISH
        dictionary = lang.dictionary(base_dictionary)
        base = doc.paragraph_offset(p)
        paragraph_attr: Attribution | None = None
        for raw in lang.split_sentences(paragraph, base):
            text = raw.text
            attr = lang.find_attribution(text, dictionary, previous)
            carried = False
            if attr is not None:
                previous = paragraph_attr = attr
            elif paragraph_attr is not None:
                attr, carried = paragraph_attr, True
            own_spans = attr.spans if attr is not None and not carried else ()
            dates = lang.find_dates(text, reference, future=lang.is_future(text))
            said_on = None
            if attr is not None and not carried:
                for d in dates:
                    if attr.end - 3 <= d.start <= attr.end + 4 or (
                        attr.said_on_text and d.text in attr.said_on_text
                    ):
                        said_on = d
            dateline_end = -1
            for d in dates:
                if dateline_end < 0 and d.span and _DATELINE_BEFORE.match(text[: d.start]):
                    # "Beirut, Aug 8 (Agency - 8th Aug, 2021) :": the report's day, not the event's
                    said_on = said_on or d
                    ends = [m.end() for m in _DATELINE_END.finditer(text, d.end, d.end + 120)]
                    dateline_end = ends[-1] if ends else d.end
            event_dates = [
                d for d in dates if d is not said_on and not (d.start < dateline_end and d.span)
            ]
            if (
                said_on is not None
                and said_on.span is not None
                and said_on.span.start == (said_on.span.end)
            ):
                # reported speech: "X said on Monday that ... yesterday" counts from Monday
                anchor = said_on.span.start
                event_dates = [
                    _reanchored(d, text, anchor, lang) if d.relative else d for d in event_dates
                ]
            foil = lang.foil_link(text)
            triggers = [
                t
                for t in lang.find_triggers(text)
                if not _overlaps(t.start, t.end, own_spans)
                and not (foil and foil.start() <= t.start < foil.end())
            ]
            all_actors = dictionary.find_actors(text)
            actors = [m for m in all_actors if not _overlaps(m.start, m.end, own_spans)]
            source_actors = [m for m in all_actors if _overlaps(m.start, m.end, own_spans)]
            taken = tuple((m.start, m.end) for m in actors) + own_spans
            places = []
            resolver.admin1 = next(iter(lang.admin1(text)), None)
            resolver.lang = None if lang.code == "en" else lang.code
            first_admin1 = resolver.admin1
            for s, e, name, kind in lang.find_place_names(text):
                if _overlaps(s, e, taken) and not lang.is_governorate(name):
                    continue
                if lang.code != "en":
                    resolver.admin1 = _admin1_of(lang, text, s, e, name) or first_admin1
                ref = _resolve_place(resolver, lang, s, e, name, kind)
                if ref is not None:
                    places.append(ref)
            yield _Sentence(
                index,
                p,
                raw.start,
                raw.end,
                text,
                attr,
                carried,
                event_dates,
                said_on,
                triggers,
                actors,
                lang.find_figures(text),
                places,
                foil,
                source_actors,
                doc.mark(p),
                lang,
            )
            index += 1


def _admin1_of(lang: Language, text: str, start: int, end: int, name: str) -> str | None:
    """The governorate a place name of ``text`` is looked up in: its own when it is a
    governorate's name (the city of Aleppo, in "shelled Hama province and the city of
    Aleppo"), else the one named first after it ("Кубейбат, Умм-Хартайн и Мгайр в провинции
    Хама", "قرية سرجة بريف إدلب"), else the last one before it."""
    own = lang.admin1(name)
    if own:
        return own[0]
    after = lang.admin1(text[end:])
    if after:
        return after[0]
    before = lang.admin1(text[:start])
    return before[-1] if before else None


def _resolve_place(
    resolver: Resolver, lang: Language, start: int, end: int, name: str, kind: str
) -> PlaceRef | None:
    """The place ``name`` names: looked up as written, then by the other forms the language
    gives for it (:meth:`Language.place_queries`); the reference keeps the text as written."""
    queries = lang.place_queries(name)
    first = resolver.resolve(start, end, queries[0], kind)
    if first is not None and first.resolved and queries[0] != name:
        first = replace(first, text=name)
    if len(queries) == 1 or (first is not None and first.resolved):
        return first
    for query in queries[1:]:
        ref = resolver.resolve(start, end, query, kind)
        if ref is not None and ref.resolved:
            return replace(ref, text=name, method=f"{ref.method} (as {query!r})")
    if first is not None:
        return first
    return PlaceRef(name, start, end, kind) if _plausible(name) else None


def _reanchored(mention: DateMention, text: str, anchor: Any, lang: Language) -> DateMention:
    again = lang.find_dates(text, anchor, future=lang.is_future(text))
    found = next((d for d in again if d.start == mention.start and d.span is not None), None)
    if found is None:
        return mention
    return replace(found, note="counted from the day it was said")


def _nearest_date(sentence: _Sentence, position: int) -> DateMention | None:
    if not sentence.dates:
        return None
    return min(sentence.dates, key=lambda d: abs(d.start - position))


def _roles(sentence: _Sentence, trigger: Trigger | None) -> list[ActorRef]:
    refs: list[ActorRef] = []
    text = sentence.text
    position = trigger.start if trigger else len(text)
    coordinated = [m.end() for m in _COORDINATED.finditer(text)]
    subject_actors = []
    for m in sentence.actors:
        entry = m.entry
        if not isinstance(entry, ActorEntry):
            continue
        role = ActorRole.TARGET
        if entry.inter == Inter.CIVILIANS:
            pass  # civilians are what violence is done to
        elif any(0 <= m.start - c <= 2 for c in coordinated):
            role = ActorRole.ASSOCIATED
        elif trigger is not None and m.start <= trigger.start < m.end:
            role = ActorRole.PERPETRATOR  # "Russian airstrikes"
        elif (
            trigger is not None
            and sentence.language.subject_after
            and 0 <= m.start - trigger.end <= sentence.language.subject_after
        ):
            role = ActorRole.PERPETRATOR  # verb first: "قصفت قوات النظام"
        elif m.end <= position:
            role = ActorRole.PERPETRATOR
            subject_actors.append(m)
        elif re.search(r"\bby\s+(?:the\s+)?$", text[max(0, m.start - 10) : m.start]):
            role = ActorRole.PERPETRATOR
        elif not _TARGET_PREP.search(text[max(0, m.start - 14) : m.start]):
            role = ActorRole.ASSOCIATED  # civilians were taken care of above
        refs.append(ActorRef(entry.name, role, entry.inter, entry.country, m.text))
    # of several actors before the trigger, the last clause's subject is the perpetrator; the
    # others (e.g. a place's owner mentioned earlier) stay associated
    if len(subject_actors) > 1 and trigger is not None:
        joined = text[subject_actors[0].start : subject_actors[-1].end]
        if not re.fullmatch(r"[^,;]*(?:\s+and\s+|,\s*)[^,;]*", joined):
            keep = subject_actors[-1].entry.name
            refs = [
                r
                if r.role != ActorRole.PERPETRATOR or r.name == keep
                else ActorRef(r.name, ActorRole.ASSOCIATED, r.inter, r.country, r.text)
                for r in refs
            ]
    return refs


def _new_claim(sentence: _Sentence, trigger: Trigger) -> Claim:
    claim = Claim(
        event_type=trigger.event_type,
        sub_event_type=trigger.sub_event_type,
        modality=sentence.language.modality_for(sentence.text, trigger),
        trigger=trigger.text,
        paragraph=sentence.paragraph,
        mode=trigger.mode,
        sentence_index=sentence.index,
        mark=sentence.mark,
        language=sentence.language.code,
    )
    _absorb(claim, sentence, trigger)
    if claim.modality == Modality.DENIED:
        # who denies doing it is the one accused of it
        for m in sentence.source_actors:
            if isinstance(m.entry, ActorEntry):
                e = m.entry
                claim.add_actor(ActorRef(e.name, ActorRole.PERPETRATOR, e.inter, e.country, m.text))
    return claim


def _absorb(claim: Claim, sentence: _Sentence, trigger: Trigger | None) -> None:
    span = (sentence.start, sentence.end)
    if span not in claim.spans:
        claim.spans.append(span)
        claim.sentences.append(sentence.text)
    if claim.date is None:
        date = _nearest_date(sentence, trigger.start if trigger else 0)
        if date is not None:
            if date.span is not None:
                claim.date, claim.date_text, claim.date_method = date.span, date.text, date.rule
            else:
                claim.notes.append(f"date {date.text!r} unresolved: {date.note}")
    if claim.said_on is None and sentence.said_on is not None and sentence.said_on.span:
        claim.said_on, claim.said_on_text = sentence.said_on.span, sentence.said_on.text
    for place in sentence.places:
        claim.add_place(place)
    for ref in _roles(sentence, trigger):
        claim.add_actor(ref)
    for figure in sentence.figures:
        if figure not in claim.figures:
            claim.figures.append(figure)
    new = sentence.attribution
    if new is not None and (
        claim.attribution is None or (claim.attribution_carried and not sentence.carried)
    ):
        claim.attribution = new
        claim.attribution_carried = sentence.carried
    elif (
        new is not None
        and not sentence.carried
        and claim.attribution is not None
        and claim.attribution.kind == SourceKind.WITNESS
        and new.kind in (SourceKind.MONITOR, SourceKind.NGO, SourceKind.OFFICIAL)
    ):
        # "according to witnesses and rescue workers" ... "the Observatory said": the event's
        # own sentences name who counted it
        claim.notes.append(f"source {new.originator!r} named after {claim.attribution.text!r}")
        claim.attribution = new
        claim.attribution_carried = False
    elif new is not None and not sentence.carried and claim.attribution is not None:
        old = claim.attribution
        if old.originator == new.originator and new.text not in old.text:
            # the same statement reported twice ("according to Akar" ... "Anadolu quoted Akar")
            claim.attribution = replace(
                old,
                via=tuple(dict.fromkeys((*old.via, *new.via))),
                text=f"{old.text}; {new.text}",
                verb=old.verb if new.verb == old.verb else f"{old.verb}; {new.verb}",
            )
    for m in _COORDINATED.finditer(sentence.text):
        partner = next((a for a in sentence.actors if 0 <= a.start - m.end() <= 2), None)
        if partner is not None:
            claim.notes.append(f"coordinated with {partner.text}")


def _continues(claim: Claim, sentence: _Sentence, trigger: Trigger) -> bool:
    if trigger.sub_event_type != claim.sub_event_type:
        return False
    if (claim.mark == "caption") != (sentence.mark == "caption"):
        return False  # a caption is about its picture; the article about its own event
    if sentence.paragraph - claim.paragraph > 1:
        return False
    if _SEPARATE.search(sentence.text):
        return False
    anaphoric = bool(_ANAPHORIC.search(sentence.text[max(0, trigger.start - 30) : trigger.start]))
    date = _nearest_date(sentence, trigger.start)
    if (
        date is not None
        and date.span is not None
        and claim.date is not None
        and (date.span.end < claim.date.start or date.span.start > claim.date.end)
    ):
        return False
    resolved = {p.gazetteer_id for p in claim.places if p.gazetteer_id}
    new = {p.gazetteer_id for p in sentence.places if p.gazetteer_id}
    if resolved and new and not (resolved & new) and not anaphoric:
        return False
    modality = sentence.language.modality_for(sentence.text, trigger)
    if modality != claim.modality and modality != Modality.OCCURRED:
        return False  # "the army denied that its units shelled ...": a claim of its own
    return anaphoric or modality == claim.modality


def _assemble(sentence: _Sentence, claims: list[Claim], dictionary: ActorDictionary) -> None:
    before = len(claims)
    made: list[Claim] = []
    for trigger in sentence.triggers:
        own = next((c for c in made if c.sub_event_type == trigger.sub_event_type), None)
        if own is not None:
            continue
        if made and _OBJECT_OF.search(sentence.text[max(0, trigger.start - 40) : trigger.start]):
            continue  # "signed a memorandum on joint patrols", "protested against the shelling"
        previous = claims[-1] if claims else None
        if previous is not None and _continues(previous, sentence, trigger):
            _absorb(previous, sentence, trigger)
            continue
        claim = _new_claim(sentence, trigger)
        claims.append(claim)
        made.append(claim)
    if (
        not sentence.triggers
        and claims
        and claims[-1].paragraph >= sentence.paragraph - 1
        and (claims[-1].mark == "caption") == (sentence.mark == "caption")
    ):
        last = claims[-1]
        linked = bool(_NO_TRIGGER_LINK.search(sentence.text))
        same_paragraph = last.paragraph == sentence.paragraph
        towns = [p for p in sentence.places if _place_rank(p) == 0]
        first = _first_unplaced(claims, sentence)
        if linked and towns and first is not None:
            # "the death toll from Monday's bombing in Afrin": the town of the event told first
            _absorb(first, sentence, None)
        elif (sentence.figures and (linked or same_paragraph)) or (linked and sentence.places):
            _absorb(last, sentence, None)
        elif (
            same_paragraph
            and last.attribution is None
            and sentence.attribution is not None
            and not sentence.carried
            and sentence.language.code != "en"
        ):
            # "... 19 people were killed. Об этом сообщает Reuters со ссылкой на SOHR": the
            # source of the sentence just told, before a later sentence of the same event
            # ("the ministry denied the strike") can lend it its own
            last.attribution = sentence.attribution
    elif not sentence.triggers and sentence.figures:
        _casualty_claim(sentence, claims)
    if sentence.foil is not None:
        _foil(sentence, claims[:before], made)


def _first_unplaced(claims: list[Claim], sentence: _Sentence) -> Claim | None:
    """The first event the document tells, when it names no town yet and a back-reference in
    ``sentence`` can be about it (not background, the same kind of text: caption or not)."""
    first = claims[0] if claims else None
    if first is None or first.background or first.modality in _FUTURE_MODALITIES:
        return None
    if (first.mark == "caption") != (sentence.mark == "caption"):
        return None
    if any(_place_rank(p) == 0 for p in first.places):
        return None
    return first


def _casualty_claim(sentence: _Sentence, claims: list[Claim]) -> None:
    category = sentence.figures[0].category
    if category == CasualtyCategory.COMBATANTS:
        event_type, sub = EventType.BATTLES, "Armed clash"
    else:
        event_type, sub = EventType.VIOLENCE_AGAINST_CIVILIANS, "Attack"
    claim = Claim(
        event_type,
        sub,
        Modality.OCCURRED,
        sentence.figures[0].text,
        sentence.paragraph,
        sentence_index=sentence.index,
        mark=sentence.mark,
        language=sentence.language.code,
    )
    claim.notes.append(_INFERRED)
    _absorb(claim, sentence, None)
    claims.append(claim)


def _foil(sentence: _Sentence, earlier: list[Claim], made: list[Claim]) -> None:
    planned = next(
        (
            c
            for c in reversed(earlier)
            if c.modality in (Modality.PLANNED, Modality.ANNOUNCED)
            and sentence.index - c.sentence_index <= 3
        ),
        None,
    )
    if planned is None:
        return
    assert sentence.foil is not None
    planned.notes.append(
        f"{planned.sub_event_type.lower()} ({planned.trigger}) foiled: {sentence.foil.group(0)!r}"
    )
    planned.modality = Modality.FOILED
    planned.event_type, planned.sub_event_type = EventType.STRATEGIC, "Disrupted weapons use"
    date = _nearest_date(sentence, sentence.foil.start())
    if date is not None and date.span is not None:
        planned.date, planned.date_text, planned.date_method = date.span, date.text, "foiled on"
    span = (sentence.start, sentence.end)
    if span not in planned.spans:
        planned.spans.append(span)
        planned.sentences.append(sentence.text)
    planners = [a for a in planned.actors if a.role == ActorRole.PERPETRATOR]
    for claim in made:
        for actor in claim.actors:
            if actor.role == ActorRole.PERPETRATOR:
                planned.add_actor(
                    ActorRef(
                        actor.name, ActorRole.ASSOCIATED, actor.inter, actor.country, actor.text
                    )
                )
        if not any(a.role == ActorRole.TARGET for a in claim.actors):
            for planner in planners:
                claim.add_actor(
                    ActorRef(
                        planner.name, ActorRole.TARGET, planner.inter, planner.country, planner.text
                    )
                )
        claim.notes.append(f"foiled the planned {planned.trigger}")


def _principal_source(sentences: list[_Sentence]) -> Attribution | None:
    """The monitor or rescue group the article cites most (the Syrian Observatory, the White
    Helmets): where an article's tolls come from when a sentence does not say."""
    counts: Counter[str] = Counter()
    first: dict[str, Attribution] = {}
    for sentence in sentences:
        a = sentence.attribution
        if a is None or sentence.carried:
            continue
        if a.kind in (SourceKind.MONITOR, SourceKind.NGO):
            counts[a.originator] += 1
            first.setdefault(a.originator, a)
    if not counts:
        return None
    return first[counts.most_common(1)[0][0]]


def _fallback_attribution(
    claim: Claim,
    sentences: list[_Sentence],
    named: tuple[Attribution, str] | None,
    principal: Attribution | None,
) -> None:
    """A claim whose sentences cite no one takes, in this order: the source of the next two
    sentences ("... killed nine people. The Observatory said the strike ..."), the article's
    source line or the monitor it cites most, or the agency of its dateline; each marked with
    its basis (Admiralty grading keeps the difference between said here and said elsewhere)."""
    # the two sentences after the claim's first that are not its own (a claim may take in a
    # later sentence of the same event and skip the one between: "... 5 soldiers killed. The
    # ministry's press office said so. In the statement, ...")
    own = set(claim.spans)
    following = [s for s in sentences[claim.sentence_index + 1 :] if (s.start, s.end) not in own][
        :2
    ]
    for sentence in following:
        if sentence.paragraph - claim.paragraph > 1:
            break
        if sentence.attribution is not None and not sentence.carried:
            claim.attribution, claim.attribution_basis = sentence.attribution, "next sentence"
            claim.attribution_carried = True
            return
    if named is not None and named[1] == "source line":
        claim.attribution, claim.attribution_basis = named
    elif principal is not None:
        claim.attribution = principal
        claim.attribution_basis = "the source the article cites most"
    elif named is not None:
        claim.attribution, claim.attribution_basis = named
    else:
        return
    claim.attribution_carried = True


def _finish(
    doc: Document,
    claims: list[Claim],
    sentences: list[_Sentence],
    gaz: Any,
    reference: Any,
    dictionary: ActorDictionary,
) -> None:
    context = _context_place(doc, sentences, gaz)
    read = [c for c in claims if c.date is not None]  # dated by their own sentences
    flash = _flash(doc, reference)
    named = document_source(doc.text, dictionary)
    principal = _principal_source(sentences)
    for claim in claims:
        if claim.attribution is None:
            _fallback_attribution(claim, sentences, named, principal)
        _fix_types(claim)
        claim.places.sort(key=_place_rank)
        if not claim.places or _place_rank(claim.places[0]) >= 2:
            _nearby_place(claim, sentences)
        if claim.date is None:
            _fallback_date(claim, claims, sentences, reference, read, flash)
        _not_after_publication(claim, doc)
        if claim.mark == "caption":
            _caption(claim, doc, read)
        if not claim.places and context is not None:
            claim.places.append(context)
            claim.notes.append(
                f"no place in the text; placed in {context.text}, "
                "the governorate the article is about"
            )
    claims[:] = [part for claim in claims for part in _by_governorate(claim)]
    claims[:] = _merge_same_events(claims)


def _by_governorate(claim: Claim) -> list[Claim]:
    """A claim whose places lie in several governorates, one claim per governorate ("shelled
    villages of Hama province and the area of the city of Aleppo": two events, as ACLED codes
    one event per location and day); the casualty figures, which the text does not divide,
    stay with the first. Only for the other languages' readers: the English set was tuned
    without it."""
    if claim.language == "en":
        return [claim]
    towns = [
        p
        for p in claim.places
        if _place_rank(p) <= 2 and not p.from_context and p.location and p.location.admin1
    ]
    order = sorted(towns, key=lambda p: p.start)
    governorates = list(dict.fromkeys(p.location.admin1 for p in order if p.location))
    if len(governorates) < 2:
        return [claim]
    parts = []
    for n, admin1 in enumerate(governorates):
        part = copy.deepcopy(claim)
        part.places = [
            p
            for p in part.places
            if (p.location is not None and p.location.admin1 == admin1)
            or (n == 0 and p.location is None)
        ]
        if n:
            part.figures = []
        part.notes.append(
            f"one of {len(governorates)} claims, one per governorate its sentence names"
            + (" (its casualty figures stay with the first)" if claim.figures else "")
        )
        parts.append(part)
    return parts


def _towns(claim: Claim) -> set[str]:
    """The towns and sites the claim's own sentences name (gazetteer ids; the text of a name
    the gazetteer does not know), not the areas."""
    return {
        p.gazetteer_id or p.text.casefold()
        for p in claim.places
        if _place_rank(p) != 2 and not p.from_context
    }


def _admin1s(claim: Claim) -> set[str]:
    return {p.location.admin1 for p in claim.places if p.location and p.location.admin1}


def _own_date(claim: Claim) -> bool:
    """Dated by the text (its sentences, a sentence near it), not by a guess."""
    return claim.date is not None and not claim.date_method.endswith("(no date in the text)")


def _killed(claim: Claim) -> int | None:
    figures = [f for f in claim.figures if f.kind.value == "killed"]
    return max((f.best if f.best is not None else f.low for f in figures), default=None)


def _compatible(a: Claim, b: Claim) -> bool:
    """Could ``a`` and ``b``, read from one document, be one event told twice?"""
    if event_family(a.sub_event_type) != event_family(b.sub_event_type) and not (
        _inferred(a) or _inferred(b)
    ):
        return False  # (a toll with no weapon named is the toll of any violent event)
    # "children were reportedly among the victims" ... "11 people were killed": the event told
    # first with a hedge, then plainly (not the other way: "accused of ..." after an arrest)
    hedged = a.modality == Modality.ALLEGED and b.modality == Modality.OCCURRED
    if (a.modality != b.modality and not hedged) or a.background or b.background:
        return False
    if (a.mark == "caption") != (b.mark == "caption"):
        return False
    if _own_date(a) and _own_date(b):
        assert a.date is not None and b.date is not None
        if a.date.end < b.date.start or b.date.end < a.date.start:
            return False
    ka, kb = _killed(a), _killed(b)
    if ka is not None and kb is not None and min(ka, kb) >= 5 and max(ka, kb) > 2 * min(ka, kb):
        return False  # "killed 30" and "killed 12": two events ("10, three of them" is one)
    admin_a, admin_b = _admin1s(a), _admin1s(b)
    return not (admin_a and admin_b and not admin_a & admin_b)


def _merge_same_events(claims: list[Claim]) -> list[Claim]:
    """One claim per event the document reports.

    An article tells its event several times: the lede ("a bombardment in the city of Ariha
    killed at least 10"), a quote ("government shelling had targeted the city"), a summing-up
    ("Wednesday's bombardment was the deadliest since the truce"). Read sentence by sentence,
    each became a claim, and those that name no town or date were placed in the governorate
    and dated the week up to publication: three reports of one event, two of them vague. A
    later claim joins an earlier one of the same event family and modality when nothing
    contradicts it (no other town named, no other day stated, no very different death toll)
    and, if it names no town, the earlier claims of that family name at most one (otherwise
    it cannot say which it belongs to) and something ties the two (:func:`_linked`). The
    merged claim keeps the first claim's type, and takes the most precise place and the date
    the text states. A sentence marked as another event ("in a separate attack", "meanwhile")
    is never merged, nor one set at another time ("two days earlier", "in April").
    """
    out: list[Claim] = []
    for claim in claims:
        first_sentence = claim.sentences[0] if claim.sentences else ""
        apart = _SEPARATE.search(first_sentence) or _OTHER_TIME.search(first_sentence)
        host = None if apart else _host(claim, out)
        if host is None:
            out.append(claim)
        else:
            _join(host, claim)
    return out


def _host(claim: Claim, earlier: list[Claim]) -> Claim | None:
    towns = _towns(claim)
    # two claims read from one sentence ("airstrikes and shelling") are two events by design
    fitting = [c for c in earlier if _compatible(c, claim) and not set(c.spans) & set(claim.spans)]
    if towns:
        same = [c for c in fitting if _towns(c) & towns]
        if same:
            return same[0]
        vague = [c for c in fitting if not _towns(c) and _linked(c, claim)]
        # an earlier claim that named no town: this one says where (only when no earlier
        # claim of the family named another town, which the vague one might be about)
        if vague and not any(_towns(c) for c in fitting):
            return vague[0]
        return None
    named = {t for c in fitting for t in _towns(c)}
    if len(named) > 1:
        return None  # which of the towns? a person decides; keep it apart
    return next((c for c in fitting if _linked(c, claim)), None)


def _linked(earlier: Claim, later: Claim) -> bool:
    """Something ties two claims of which one names no town: one paragraph, the lede, one
    perpetrator, one death toll, or the vague one pointing back ("the attack", "Wednesday's
    bombardment", "these strikes")."""
    first = later.sentences[0] if later.sentences else ""
    headline = earlier.sentence_index == 0 and not _towns(earlier) and not _own_date(earlier)
    if headline and event_family(earlier.sub_event_type) == event_family(later.sub_event_type):
        return True  # a vague first line (subtitle, headline), then the lede: "A ... shelling"
    if later.trigger and re.search(
        r"\b(?:an?|another|one more)\s+(?:[\w-]+\s+){0,2}" + re.escape(later.trigger), first, re.I
    ):
        return False  # "An air strike hit a market": told as a new event
    if earlier.paragraph == later.paragraph or earlier.sentence_index == 0:
        return True  # one paragraph; or the lede, which the rest of an article tells again
    perps = {a.name for a in earlier.actors if a.role == ActorRole.PERPETRATOR}
    if perps & {a.name for a in later.actors if a.role == ActorRole.PERPETRATOR}:
        return True
    ka, kb = _killed(earlier), _killed(later)
    if ka is not None and ka == kb:
        return True
    vague = [c for c in (earlier, later) if not _towns(c)]
    return any(c.sentences and _NO_TRIGGER_LINK.search(c.sentences[0]) for c in vague)


_INFERRED = "event type inferred from the casualty report; the text names no weapon"


def _inferred(claim: Claim) -> bool:
    """A claim read from a death toll alone ("It killed five members of one family")."""
    return _INFERRED in claim.notes and claim.event_type != EventType.BATTLES


def _join(host: Claim, other: Claim) -> None:
    """Merge ``other`` (a later claim of the same event) into ``host``."""
    if host.modality == Modality.ALLEGED and other.modality == Modality.OCCURRED:
        host.modality = Modality.OCCURRED  # the hedged lede, stated plainly later
        host.notes.append("told with a hedge first, then as having occurred")
    unnamed = "(weapon not named)"
    if (
        host.mode.endswith(unnamed)
        and not other.mode.endswith(unnamed)
        and not _inferred(other)
        and event_family(host.sub_event_type) == event_family(other.sub_event_type)
        and host.sub_event_type != other.sub_event_type
    ):
        # "a bombardment killed ten" ... "government shelling had targeted the city"
        host.event_type, host.sub_event_type = other.event_type, other.sub_event_type
        host.trigger, host.mode = other.trigger, other.mode
        host.notes.append(f"weapon named in a later sentence: {other.trigger!r}")
    elif _inferred(host) and not _inferred(other):  # the weapon, named later
        host.event_type, host.sub_event_type = other.event_type, other.sub_event_type
        host.trigger, host.mode = other.trigger, other.mode
        host.notes.remove(_INFERRED)
    for span, sentence in zip(other.spans, other.sentences, strict=False):
        if span not in host.spans:
            host.spans.append(span)
            host.sentences.append(sentence)
    if not _own_date(host) and _own_date(other) and not other.date_method.startswith("from an"):
        host.date, host.date_text = other.date, other.date_text
        host.date_method = f"{other.date_method} (a later sentence about the same event)"
    elif host.date is None and other.date is not None:
        host.date, host.date_text, host.date_method = other.date, other.date_text, other.date_method
    if host.said_on is None and other.said_on is not None:
        host.said_on, host.said_on_text = other.said_on, other.said_on_text
    own = [p for p in host.places if not p.from_context]
    if not own and any(_place_rank(p) <= 1 and not p.from_context for p in other.places):
        host.places = []  # the guess (the document's governorate), replaced by a town
    for place in other.places:
        if not (place.from_context and _towns(host)):
            host.add_place(place)
    host.places.sort(key=_place_rank)
    for actor in other.actors:
        host.add_actor(actor)
    for figure in other.figures:
        if figure not in host.figures:
            host.figures.append(figure)
    if other.attribution is not None and (
        host.attribution is None
        or (host.attribution_carried and not other.attribution_carried)
        or (host.attribution_basis and not other.attribution_basis)
    ):
        host.attribution = other.attribution
        host.attribution_carried = other.attribution_carried
        host.attribution_basis = other.attribution_basis
    host.notes.extend(n for n in other.notes if n not in host.notes)
    host.notes.append(f"the same event as told again: {other.trigger!r}")


def _nearby_place(claim: Claim, sentences: list[_Sentence]) -> None:
    """A claim that names no town ("a rocket attack on a crowded market in northern Syria")
    takes the first town or site named just after it (the next three sentences, this or the
    next paragraph: "The attack took place in the city of Jisr al-Shughur"), or else just
    before it (a caption above the lede), inside the governorate the claim names if it names
    one. It is marked as taken from a nearby sentence."""
    admin1 = {p.location.admin1 for p in claim.places if p.location and p.location.admin1}
    own = set(claim.spans)
    # counted from the claim's last sentence (its sentences need not be consecutive: a
    # sentence between them, read as no part of it, is "next to" it too)
    last = max(
        (s.index for s in sentences if (s.start, s.end) in own), default=claim.sentence_index
    )
    last_paragraph = sentences[last].paragraph if last < len(sentences) else claim.paragraph
    after = [
        s
        for s in sentences[claim.sentence_index + 1 : last + 4]
        if (s.start, s.end) not in own and s.paragraph - last_paragraph <= 1 and not s.triggers
    ]
    before = [
        s for s in reversed(sentences[max(0, claim.sentence_index - 2) : claim.sentence_index])
    ]
    for sentence in (*after, *before):
        for place in sentence.places:
            loc = place.location
            if _place_rank(place) > 1 or loc is None or (admin1 and loc.admin1 not in admin1):
                continue
            claim.places.insert(0, place)
            claim.notes.append(f"place {place.text!r} from a sentence next to the claim")
            return


def _place_rank(place: PlaceRef) -> int:
    """Which place leads (becomes the report's location): a resolved town or site, then a road
    or named area, then an admin area, then a name the gazetteer does not know; text order
    within each (the sort is stable)."""
    loc = place.location
    if not place.resolved or loc is None:
        return 3
    if place.kind == "region" or loc.precision == GeoPrecision.REGION:
        return 2
    if place.kind in ("road", "area"):
        return 1
    return 0


def _fix_types(claim: Claim) -> None:
    perpetrators = [a for a in claim.actors if a.role == ActorRole.PERPETRATOR]
    if claim.sub_event_type == "Non-state actor overtakes territory" and any(
        a.inter == Inter.STATE_FORCES for a in perpetrators
    ):
        claim.event_type, claim.sub_event_type = EventType.BATTLES, "Government regains territory"
    if claim.event_type == EventType.BATTLES and not perpetrators:
        # "clashes between HTS and the Syrian army": actor1 and actor2 in the order written
        fighters = [a for a in claim.actors if a.inter != Inter.CIVILIANS][:2]
        for role, actor in zip((ActorRole.PERPETRATOR, ActorRole.TARGET), fighters, strict=False):
            claim.actors[claim.actors.index(actor)] = ActorRef(
                actor.name, role, actor.inter, actor.country, actor.text
            )
    civilians_killed = any(f.category == CasualtyCategory.CIVILIANS for f in claim.figures)
    if claim.sub_event_type == "Other" and civilians_killed:
        claim.event_type = EventType.VIOLENCE_AGAINST_CIVILIANS
        claim.sub_event_type = "Attack"
        claim.notes.append("violation with civilian casualties; the text names no weapon")
    if civilians_killed and not any(a.inter == Inter.CIVILIANS for a in claim.actors):
        claim.add_actor(
            ActorRef("Civilians (Syria)", ActorRole.TARGET, Inter.CIVILIANS, "Syria", "civilians")
        )


def _caption(claim: Claim, doc: Document, read: list[Claim]) -> None:
    """A claim read from an image caption: background when the caption is about another time."""
    claim.notes.append("read from an image caption")
    bounds = doc.published.bounds
    if claim.date is None or claim not in read:
        return
    if bounds is not None and claim.date.end < bounds[0] - timedelta(days=7):
        claim.background = (
            f"background: an image caption about {claim.date.iso()}, "
            "not an event the article reports"
        )


def _not_after_publication(claim: Claim, doc: Document) -> None:
    """A past event is not after publication: a yearless date past it is last year's; an
    interval running past it ends at publication."""
    bounds = doc.published.bounds
    if claim.date is None or bounds is None or claim.modality in _FUTURE_MODALITIES:
        return
    last = bounds[1]
    span = claim.date
    if span.start > last:
        if not re.search(r"\b(?:19|20)\d\d\b", claim.date_text) and claim.date_text:
            try:
                start = span.start.replace(year=span.start.year - 1)
                end = span.end.replace(year=span.end.year - 1)
            except ValueError:
                return
            if end <= last:
                claim.date = Span(start, end, span.precision)
                claim.notes.append(
                    f"{claim.date_text!r} would fall after publication: taken as the year before"
                )
                return
        claim.notes.append(f"dated {span.iso()}, after publication ({last.isoformat()})")
    elif span.end > last and span.start <= last:
        claim.date = Span(span.start, last, span.precision)


def _later_same_event(claim: Claim, claims: list[Claim], read: list[Claim]) -> Claim | None:
    """A later claim dated by its own text that reports the same kind of event close by (the
    headline and lead often name the event; a later sentence says when)."""
    from truce.model.vocab import event_family

    family = event_family(claim.sub_event_type)
    for other in claims:
        if other is claim or other not in read or other.sentence_index < claim.sentence_index:
            continue
        if other.paragraph - claim.paragraph > 2:
            break
        if other.mark == "caption" and claim.mark != "caption":
            continue
        if event_family(other.sub_event_type) == family and other.modality == claim.modality:
            return other
    return None


def _lede(claim: Claim, read: list[Claim]) -> Claim | None:
    """The article's first claim dated by its own text, when it opens the article and reports
    the same kind of event as ``claim`` (a round-up: "13 civilians were killed on Wednesday in
    strikes on Idlib" and then, a paragraph each, the villages struck, undated).

    Only for the other languages' readers: the English set was tuned without it."""
    from truce.model.vocab import event_family

    if claim.language == "en":
        return None
    first = next((c for c in read if c.mark != "caption"), None)
    if (
        first is None
        or first is claim
        or first.sentence_index >= claim.sentence_index
        or first.paragraph > 1
        or first.date is None
        or first.date.precision != TimePrecision.DAY
        or first.modality != claim.modality
        or event_family(first.sub_event_type) != event_family(claim.sub_event_type)
    ):
        return None
    return first


def _fallback_date(
    claim: Claim,
    claims: list[Claim],
    sentences: list[_Sentence],
    reference: Any,
    read: list[Claim] | None = None,
    flash: bool = False,
) -> None:
    if claim.modality in (Modality.PLANNED, Modality.ANNOUNCED) and claim.said_on is not None:
        claim.date, claim.date_text = claim.said_on, claim.said_on_text
        claim.date_method = "statement date (a plan is dated when it is said)"
        return
    if claim.modality in (Modality.DENIED, Modality.ALLEGED):
        # a denial or an allegation is about an event already reported: take its date
        earlier = [
            c
            for c in claims
            if c.sentence_index < claim.sentence_index
            and c.sub_event_type == claim.sub_event_type
            and c.date is not None
        ]
        if earlier:
            claim.date, claim.date_text = earlier[-1].date, earlier[-1].date_text
            claim.date_method = "date of the event it denies or alleges (an earlier claim)"
            return
    first = claim.sentence_index
    for sentence in reversed(sentences[:first]):
        if sentence.paragraph != claim.paragraph:
            break
        dated = next((d for d in sentence.dates if d.span is not None), None)
        if dated is not None:
            claim.date, claim.date_text = dated.span, dated.text
            claim.date_method = "from an earlier sentence of the paragraph"
            return
    if claim.said_on is not None and claim.modality == Modality.OCCURRED:
        # "X killed ..., Central Command said on Monday": the report's own day, not publication's
        claim.date, claim.date_text = claim.said_on, claim.said_on_text
        claim.date_method = "the day it was reported (the event clause gives no date of its own)"
        return
    lede = _lede(claim, read or [])
    if lede is not None and lede.date is not None:
        claim.date, claim.date_text = lede.date, lede.date_text
        claim.date_method = "the lede's date (a round-up tells the day once, at its top)"
        return
    later = _later_same_event(claim, claims, read or [])
    if later is not None and later.date is not None:
        claim.date, claim.date_text = later.date, later.date_text
        claim.date_method = "date of the same event, stated in a later sentence"
        return
    if reference is None:
        claim.notes.append(
            "no date: the text gives none and the publication date is not known "
            "with confidence (pass --published)"
        )
        return
    if claim.modality in (Modality.PLANNED, Modality.ANNOUNCED):
        claim.date = Span(reference, reference, TimePrecision.DAY)
        claim.date_method = "publication date (when the plan was reported)"
        return
    if flash and claim.language != "en" and claim.modality == Modality.OCCURRED:
        if claim.attribution is not None and not claim.attribution_carried:
            claim.date = Span(reference, reference, TimePrecision.DAY)
            claim.date_method = (
                "the day of the statement: a news flash stamped with the hour reports it "
                "(no date in the text)"
            )
        else:
            claim.date = Span(reference - timedelta(days=1), reference, TimePrecision.DAY)
            claim.date_method = (
                "the day of a news flash stamped with the hour, or the night before "
                "(no date in the text)"
            )
        return
    claim.date = Span(reference - timedelta(days=6), reference, TimePrecision.WEEK)
    claim.date_method = "the week up to publication (no date in the text)"


_HOUR = re.compile(r"(?<![\d.])[0-2]?\d[:.][0-5]\d(?![\d.])")  # not "12.05.2022"


def _flash(doc: Document, reference: Any) -> bool:
    """The text is stamped with the day and hour it was published ("10.02.2020 Pazartesi
    16:04", "08 Haziran 2018 03:45"): a news flash, written as the event is reported."""
    if reference is None:
        return False
    for removed in doc.removed:
        if "date" not in removed.reason or not _HOUR.search(removed.text):
            continue
        line = parse_date_line(removed.text)
        if line is not None and line[0].start == reference:
            return True
    return False


def _context_place(doc: Document, sentences: list[_Sentence], gaz: Any) -> PlaceRef | None:
    counts: Counter[str] = Counter()
    for sentence in sentences:
        for place in sentence.places:
            if place.location is not None and place.location.admin1:
                counts[place.location.admin1] += 1
    if not counts:
        return None
    admin1 = counts.most_common(1)[0][0]
    if gaz is None:
        return None
    area = gaz.admin_area(admin1)
    if area is None:
        return None
    return PlaceRef(
        admin1,
        0,
        0,
        "region",
        True,
        area.location(admin1),
        area.label,
        area.pcode,
        "document context",
        0.5,
        from_context=True,
    )
