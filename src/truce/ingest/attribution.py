"""Attribution: whom the outlet cites for a claim, and through whom.

Forms: "according to X"; "X said/told/stated/confirmed/reported/claimed/announced/revealed ...";
"..., said X"; "X quoted Y as saying" and "Y said, as quoted by X" (Y is cited, X is the
intermediary outlet); "told X" where X is an outlet. X and Y are looked up in the actor
dictionary (people, institutions, outlets); a person brings the institution they speak for.
The *originator* is the institution when there is one (else the person, else the outlet):
two outlets quoting one ministry share one originator and are not independent (domain.md,
Admiralty grading). A statement date ("quoted Akar as saying on March 14") is kept apart from the
event's date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from truce.ingest.actors import ActorDictionary, Institution, Mention, Person, normalise_quotes
from truce.model.vocab import SourceKind

__all__ = ["Attribution", "document_source", "find_attribution"]

_VERBS = (
    r"said|says|say|told|tells|stated|states|confirmed|confirms|reported|reports|claimed|claims"
    r"|announced|announces|revealed|reveals|added|adds|noted|notes|warned|warns|insisted"
    r"|insists|denied|denies|accused|accuses|alleged|alleges|declared|declares|explained"
    r"|stressed|emphasized|emphasised|wrote|writes|posted|tweeted|indicated|affirmed|asserted"
    r"|documented|recorded|counted"
)
#: "Rami Abdel Rahman, who heads the Syrian Observatory for Human Rights, told AFP": a name,
#: an apposition between commas, then the verb
_APPOSITION = re.compile(
    r"(?P<who>[A-Z][^,.;“”\"]{2,60}),\s+(?:who|which|an?|the|head|director|spokes\w+)\b"
    r"[^;“”\"]{2,120}?,\s+(?:also\s+|later\s+)?(?P<verb>" + _VERBS + r")\b"
)
#: "Anadolu quoted Akar", "TASS quoted the ministry": the chain without "as saying"
_QUOTED_BARE = re.compile(
    r"(?P<via>[^,.;“”]{2,80}?)\s+quoted\s+(?P<who>(?:the\s+)?[A-Z][\w'’-]*(?:\s+(?:of\s+|for\s+)?"
    r"[A-Z][\w'’-]*){0,5})"
)
#: An agency's tag in a dateline or byline: "IDLIB, Syria (AP) —", "(Reuters) -", "By AFP"
_AGENCY_TAG = re.compile(
    r"\((?P<tag>AP|AFP|Reuters|AA|Anadolu|SANA|TASS|RIA Novosti|Sputnik|Xinhua|dpa|DPA)\)"
    r"|^\s*(?:By|Source|Sources|Via)\s*:?\s+(?:the\s+)?(?P<by>Associated Press|AFP|Agence"
    r" France-Presse|Reuters|Anadolu(?: Agency)?|SANA|TASS|RIA Novosti|Sputnik)\b"
    r"|\bWith (?:the )?(?P<with>Associated Press|AFP|Reuters)\b",
    re.M,
)
#: An end-of-article source line: "Source: Enab Baladi", "Sources: SOHR, local activists"
_SOURCE_LINE = re.compile(
    r"^\s*(?:Sources?|Via|Credit)\s*:\s*(?P<who>[^\n]{2,120}?)\s*$", re.M | re.I
)
_ACCORDING = re.compile(r"\baccording to\s+(?P<who>[^,.;]{2,120})", re.I)
_QUOTED = re.compile(
    r"(?P<via>[^,.;“”]{2,80}?)\s+quoted\s+(?P<who>[^,.;]{2,80}?)\s+as\s+saying"
    r"(?:\s+(?:on|that)\b)?",
    re.I,
)
_AS_QUOTED = re.compile(r"\bas quoted by\s+(?P<via>[^,.;]{2,80})", re.I)
_TOLD = re.compile(r"\btold\s+(?P<via>(?:the\s+)?[A-Z][^,.;]{1,60})")
_SUBJECT_VERB = re.compile(
    r"(?P<who>(?:[A-Z][\w'’-]*|the|its|a|an|local|state|official|Syrian|Turkish|Russian"
    r"|opposition|pro-government)(?:[\s-]+(?:[\w'’-]+)){0,7}?)\s+(?:also\s+|later\s+|has\s+"
    r"|have\s+|had\s+)?(?P<verb>" + _VERBS + r")\b",
)
_ARTICLE_END = re.compile(r"(?:^|\s)(?:a|an|the)$", re.I)
_INVERTED = re.compile(r"[,”\"]\s+(?P<verb>said|says|added|stated)\s+(?P<who>[^,.;]{2,80})")
#: The monitor named before, described again: "the Britain-based war monitor", "the monitor
#: which relies on a network of sources inside Syria".
_MONITOR_AGAIN = re.compile(
    r"^(?:the\s+)?(?:(?:Britain|UK|London|U\.K\.)-based\s+|war\s+|opposition\s+){0,3}"
    r"(?:monitor|observatory|monitoring group)(?:\s*,?\s+(?:which|that|who)\b.*)?$",
    re.I,
)
_ANAPHOR = re.compile(
    r"^(?:the\s+)?(?:he|she|they|it|defen[cs]e minist(?:er|ry|er)|minister|ministry|official"
    r"|spokes(?:man|woman|person)|agency|observatory|monitor|statement)$",
    re.I,
)


_NOT_A_SOURCE = re.compile(
    r"^(?:according|there|it|this|that|these|those|one|two|three|four|five|\d+|however|but|and"
    r"|if|when|while|as)\b|\b(?:was|were|is|are|been|being|had|has|have)\b",
    re.I,
)


@dataclass(frozen=True)
class Attribution:
    """Who said it. ``cited`` is the name as the dictionary knows it (or as written)."""

    cited: str
    kind: SourceKind
    institution: str | None = None
    person: str | None = None
    title: str | None = None
    via: tuple[str, ...] = ()
    verb: str = ""
    said_on_text: str = ""
    text: str = ""
    start: int = 0
    end: int = 0
    spans: tuple[tuple[int, int], ...] = field(default=(), compare=False)

    @property
    def originator(self) -> str:
        return self.institution or self.person or self.cited

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"cited": self.cited, "kind": self.kind.value}
        if self.person:
            data["person"] = self.person
        if self.title:
            data["title"] = self.title
        if self.institution:
            data["institution"] = self.institution
        data["originator"] = self.originator
        if self.via:
            data["via"] = list(self.via)
        if self.verb:
            data["verb"] = self.verb
        data["text"] = self.text
        return data


def _resolve(
    phrase: str, offset: int, mentions: list[Mention], previous: Attribution | None
) -> dict[str, Any] | None:
    inside = [m for m in mentions if offset <= m.start and m.end <= offset + len(phrase) + 1]
    person = next((m.entry for m in inside if m.category == "person"), None)
    inst = next((m.entry for m in inside if m.category == "institution"), None)
    outlet = next((m.entry for m in inside if m.category == "outlet"), None)
    if isinstance(person, Person):
        institution = inst.name if isinstance(inst, Institution) else person.institution
        return {
            "cited": person.name,
            "kind": SourceKind.OFFICIAL,
            "person": person.name,
            "title": person.title,
            "institution": institution,
        }
    if isinstance(inst, Institution):
        return {"cited": inst.name, "kind": inst.kind, "institution": inst.name}
    if isinstance(outlet, str):
        return {"cited": outlet, "kind": SourceKind.OUTLET, "via_only": outlet}
    cleaned = phrase.strip().rstrip(".,;:")
    if (_ANAPHOR.match(cleaned) or _MONITOR_AGAIN.match(cleaned)) and previous is not None:
        return {
            "cited": previous.cited,
            "kind": previous.kind,
            "person": previous.person,
            "title": previous.title,
            "institution": previous.institution,
            "via": previous.via,
        }
    if _NOT_A_SOURCE.search(cleaned):
        return None  # "According to reports", "There have been no claims", "One person was ..."
    words = cleaned.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    if not words or len(words) > 8 or not any(w[:1].isupper() for w in words):
        if re.search(r"\b(?:sources?|activists|witnesses|residents|officials?)\b", cleaned, re.I):
            return {"cited": cleaned.removeprefix("the ").strip(), "kind": SourceKind.WITNESS}
        return None
    return {"cited": cleaned.removeprefix("the ").strip(), "kind": SourceKind.OFFICIAL}


def find_attribution(
    sentence: str,
    dictionary: ActorDictionary,
    previous: Attribution | None = None,
) -> Attribution | None:
    """The attribution in ``sentence`` (offsets relative to it), or None."""
    text = normalise_quotes(sentence)
    mentions = dictionary.find_sources(text)
    via: list[str] = []
    spans: list[tuple[int, int]] = []
    found: dict[str, Any] | None = None
    verb = ""
    said_on = ""
    span = (0, 0)

    m = _QUOTED.search(text)
    if m:
        found = _resolve(m.group("who"), m.start("who"), mentions, previous)
        via_found = _resolve(m.group("via"), m.start("via"), mentions, None)
        if via_found:
            via.append(via_found.get("via_only") or via_found["cited"])
        verb, span = "quoted as saying", m.span()
        tail = text[m.end() : m.end() + 40]
        said_on = tail.split(".")[0].strip() if m.group(0).rstrip().endswith("on") else ""
    for pattern in (_AS_QUOTED, _TOLD):
        for q in pattern.finditer(text):
            via_found = _resolve(q.group("via"), q.start("via"), mentions, None)
            if via_found and via_found.get("via_only"):
                via.append(via_found["via_only"])
                spans.append(q.span())
    if found is None:
        for q in _QUOTED_BARE.finditer(text):
            who = _resolve(q.group("who"), q.start("who"), mentions, previous)
            via_found = _resolve(q.group("via"), q.start("via"), mentions, None)
            if who and not who.get("via_only") and via_found and via_found.get("via_only"):
                found, verb, span = who, "quoted", q.span()
                via.append(via_found["via_only"])
                break
    if found is None:
        m = _ACCORDING.search(text)
        if m:
            found = _resolve(m.group("who"), m.start("who"), mentions, previous)
            verb, span = "according to", m.span()
    if found is None:
        candidates = [*_INVERTED.finditer(text), *_APPOSITION.finditer(text)]
        for m in [*candidates, *_SUBJECT_VERB.finditer(text)]:
            if _ARTICLE_END.search(m.group("who")):
                continue  # "survivors of a reported shelling": an adjective, not a speaker
            candidate = _resolve(m.group("who"), m.start("who"), mentions, previous)
            if candidate is not None:
                found, verb, span = candidate, m.group("verb").lower(), m.span()
                break
    if found is None:
        return None
    if found.get("via_only"):
        # an outlet cited on its own: it is both the source and the originator
        found = {"cited": found["via_only"], "kind": SourceKind.OUTLET}
    inherited = tuple(found.pop("via", None) or ())
    via = [v for v in dict.fromkeys([*inherited, *via]) if v != found["cited"]]
    return Attribution(
        cited=found["cited"],
        kind=found["kind"],
        institution=found.get("institution"),
        person=found.get("person"),
        title=found.get("title"),
        via=tuple(via),
        verb=verb,
        said_on_text=said_on,
        text=sentence[span[0] : span[1]].strip(),
        start=span[0],
        end=span[1],
        spans=(span, *spans),
    )


def document_source(text: str, dictionary: ActorDictionary) -> tuple[Attribution, str] | None:
    """The source a whole article names outside its sentences, and where: an end-of-article
    "Source: ..." line (``"source line"``), else an agency's dateline or byline tag ("(AP) —",
    "(Reuters) -", "By AFP", "With the Associated Press": ``"agency dateline"``); or None."""
    text = normalise_quotes(text)
    lines = list(_SOURCE_LINE.finditer(text))
    if lines:
        m = lines[-1]
        who = m.group("who").strip().rstrip(".")
        mentions = dictionary.find_sources(who)
        named = _resolve(who, 0, mentions, None)
        if named is not None:
            if named.get("via_only"):
                named = {"cited": named["via_only"], "kind": SourceKind.OUTLET}
            return (
                Attribution(
                    cited=named["cited"],
                    kind=named["kind"],
                    institution=named.get("institution"),
                    person=named.get("person"),
                    title=named.get("title"),
                    verb="source line",
                    text=m.group(0).strip(),
                ),
                "source line",
            )
    tag = _AGENCY_TAG.search(text)
    if tag is not None:
        raw = tag.group("tag") or tag.group("by") or tag.group("with") or ""
        mentions = dictionary.find_sources(raw)
        outlet = next((m.entry for m in mentions if m.category == "outlet"), None)
        name = outlet if isinstance(outlet, str) else raw
        return (
            Attribution(
                cited=name, kind=SourceKind.OUTLET, verb="dateline", text=tag.group(0).strip()
            ),
            "agency dateline",
        )
    return None
