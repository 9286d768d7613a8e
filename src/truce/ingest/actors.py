"""The actor dictionary: who a name in the text is (``data/actors.yaml``).

Four kinds of entry: *actors* (the parties to events, with ACLED names and inter codes:
"HTS" and "Hay'at Tahrir al-Sham" are one actor; "Russian MoD" and "Russian Aerospace Forces" are
Military Forces of Russia), *institutions* (who is cited: a ministry, a monitor, activists),
*outlets* (news agencies cited as intermediaries: "as quoted by Anadolu Agency") and *people*
(named officials, with the institution they speak for). Matching is by regular expressions
compiled once: aliases in capitals (acronyms) match case-sensitively, the rest case-insensitively;
apostrophe forms and hyphen/space are interchangeable. A country adjective before a military
noun ("Russian airstrikes", "Turkish troops") names that country's military.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml

from truce.model.vocab import Inter, SourceKind

__all__ = [
    "ActorDictionary",
    "ActorEntry",
    "Institution",
    "Mention",
    "Person",
    "normalise_quotes",
]

Category = Literal["actor", "institution", "outlet", "person"]

_QUOTES = str.maketrans(
    {"’": "'", "‘": "'", "`": "'", "ʼ": "'", "ʿ": "'", "ʾ": "'", "‐": "-", "‑": "-", "–": "-"}
)

_MILITARY_NOUNS = (
    r"(?:military\s+)?(?:jets?|warplanes?|war\s*planes?|aircraft|planes?|helicopters?|drones?"
    r"|troops|forces|soldiers|army|military|artillery|air\s*strikes?|strikes?|bombers?"
    r"|patrols?|convoys?|units?|servicemen|military police|navy|warships?|special forces"
    r"|air force|air defen[cs]es?|gunships?|tanks?|positions)"
)


def normalise_quotes(text: str) -> str:
    """Apostrophe and dash variants to ASCII, one character for one (spans stay valid)."""
    return text.translate(_QUOTES)


@dataclass(frozen=True, slots=True)
class ActorEntry:
    id: str
    name: str
    country: str | None
    inter: Inter
    kind: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Institution:
    name: str
    kind: SourceKind
    actor: str | None = None


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    title: str
    institution: str


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    text: str
    category: Category
    entry: Any  # ActorEntry | Institution | str (outlet name) | Person


def _key(text: str) -> str:
    return " ".join(normalise_quotes(text).casefold().replace("-", " ").replace("'", "").split())


def _alias_pattern(alias: str) -> str:
    parts = []
    for ch in normalise_quotes(alias):
        if ch in "- ":
            parts.append(r"[-\s]+")
        elif ch == "'":
            parts.append("'?")
        else:
            parts.append(re.escape(ch))
    return "".join(parts)


def _is_acronym(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return len(alias) <= 5 and sum(c.isupper() for c in letters) >= 2


def _compile(aliases: dict[str, Any]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    exact = sorted((a for a in aliases if _is_acronym(a)), key=len, reverse=True)
    loose = sorted((a for a in aliases if not _is_acronym(a)), key=len, reverse=True)

    def build(items: list[str], flags: int) -> re.Pattern[str] | None:
        if not items:
            return None
        body = "|".join(f"(?:{_alias_pattern(a)})" for a in items)
        return re.compile(r"(?<![\w'])(?:the\s+)?(" + body + r")(?![\w])", flags)

    return build(exact, 0), build(loose, re.I)


class _Matcher:
    def __init__(self, category: Category, table: dict[str, Any]) -> None:
        self.category = category
        self.exact = {k: v for k, v in table.items() if _is_acronym(k)}
        self.table = {_key(k): v for k, v in table.items() if not _is_acronym(k)}
        self.patterns = _compile(table)

    def lookup(self, text: str) -> Any:
        return self.exact.get(text) or self.table.get(_key(text))

    def find(self, text: str) -> list[Mention]:
        out: list[Mention] = []
        for pattern in self.patterns:
            if pattern is None:
                continue
            for m in pattern.finditer(text):
                entry = self.lookup(m.group(1))
                if entry is not None:
                    out.append(Mention(m.start(1), m.end(1), m.group(1), self.category, entry))
        return out


class ActorDictionary:
    """Loaded once from YAML; :meth:`default` is the dictionary that ships with truce."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.actors: dict[str, ActorEntry] = {}
        actor_aliases: dict[str, ActorEntry] = {}
        adjectives: dict[str, ActorEntry] = {}
        for item in data.get("actors", []):
            entry = ActorEntry(
                item["id"],
                item["name"],
                item.get("country"),
                Inter(int(item["inter"])),
                item.get("kind", ""),
                item.get("note", ""),
            )
            self.actors[entry.id] = entry
            for alias in [entry.name, *item.get("aliases", [])]:
                actor_aliases.setdefault(str(alias), entry)
            for adjective in item.get("adjective", []):
                adjectives[str(adjective)] = entry
        self.institutions: dict[str, Institution] = {}
        inst_aliases: dict[str, Institution] = {}
        for item in data.get("institutions", []):
            inst = Institution(
                item["name"], SourceKind(item.get("kind", "official")), item.get("actor")
            )
            self.institutions[inst.name] = inst
            for alias in [inst.name, *item.get("aliases", [])]:
                inst_aliases.setdefault(str(alias), inst)
        outlet_aliases: dict[str, str] = {}
        for item in data.get("outlets", []):
            for alias in [item["name"], *item.get("aliases", [])]:
                outlet_aliases.setdefault(str(alias), item["name"])
        people_aliases: dict[str, Person] = {}
        for item in data.get("people", []):
            person = Person(item["name"], item.get("title", ""), item.get("institution", ""))
            for alias in [person.name, *item.get("aliases", [])]:
                people_aliases.setdefault(str(alias), person)
        self._actors = _Matcher("actor", actor_aliases)
        self._institutions = _Matcher("institution", inst_aliases)
        self._outlets = _Matcher("outlet", outlet_aliases)
        self._people = _Matcher("person", people_aliases)
        self._adjectives = adjectives
        adjective_body = "|".join(
            _alias_pattern(a) for a in sorted(adjectives, key=len, reverse=True)
        )
        self._adjective_re = re.compile(
            r"(?<![\w-])(" + adjective_body + r")(?:[-\s]+(?:led|backed|made))?\s+"
            r"(?:[a-z]+\s+)?(" + _MILITARY_NOUNS + r")\b",
        )

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> ActorDictionary:
        text = resources.files("truce.ingest").joinpath("data/actors.yaml").read_text("utf-8")
        return cls(yaml.safe_load(text))

    def actor(self, actor_id: str) -> ActorEntry | None:
        return self.actors.get(actor_id)

    def find_actors(self, text: str) -> list[Mention]:
        """Actor mentions, longest first where they overlap, in text order."""
        text = normalise_quotes(text)
        found = self._actors.find(text)
        for m in self._adjective_re.finditer(text):
            if "-backed" in m.group(0) or "-led" in m.group(0):
                continue
            entry = self._adjectives.get(m.group(1))
            if entry is None:
                for k, v in self._adjectives.items():
                    if k.casefold() == m.group(1).casefold():
                        entry = v
            if entry is not None:
                found.append(Mention(m.start(), m.end(), m.group(0), "actor", entry))
        return _non_overlapping(found)

    def find_sources(self, text: str) -> list[Mention]:
        """Mentions of people, institutions and outlets (who can be cited), in text order."""
        text = normalise_quotes(text)
        found = self._people.find(text) + self._institutions.find(text) + self._outlets.find(text)
        return _non_overlapping(found)


def _non_overlapping(mentions: list[Mention]) -> list[Mention]:
    mentions.sort(key=lambda m: (m.start, -(m.end - m.start)))
    out: list[Mention] = []
    for m in mentions:
        if out and m.start < out[-1].end:
            if m.end - m.start > out[-1].end - out[-1].start:
                out[-1] = m
            continue
        out.append(m)
    return out
