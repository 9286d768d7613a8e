"""Event triggers and modality: which words make a sentence report an event, of which ACLED type,
and whether the event happened, is planned, was foiled, announced, denied or only alleged.

Triggers are verbs and event nouns ("airstrikes", "shelled", "signed ... agreement", "began to
patrol"), never bare topic words: "the agreement" or "the escalation" in an analysis sentence is
no event. Each trigger maps to an ACLED event type and sub-event type, or to one of truce's
monitoring extensions (Patrol, Ceasefire declared, Weapons withdrawal, Military deployment; ACLED
codebook 2023, "Strategic developments"). A violation of an agreement with no further detail is
"Strategic developments / Other" until the text says more (casualties make it an attack).

Modality looks at the words before the trigger in its clause: "planning to", "will", "working
to" → planned; "foiled", "thwarted", "intercepted" → foiled; "denied", "did not" → denied;
"allegedly", "accused ... of" → alleged; "announced ... will" → announced. Otherwise occurred.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from truce.model.vocab import EventType, Modality

__all__ = ["FOIL_LINK", "Trigger", "find_triggers", "is_future", "modality_for"]

_E = EventType

# (pattern, event type, sub-event type, weight, weapon/mode). Weight breaks ties when several
# triggers overlap; the most specific wins.
_LEXICON: tuple[tuple[str, EventType, str, int, str], ...] = (
    (
        r"chemical (?:weapons? )?attacks?|chlorine|sarin|toxic gas|poison(?:ous)? gas",
        _E.EXPLOSIONS,
        "Chemical weapon",
        9,
        "chemical",
    ),
    (
        r"suicide (?:bomb(?:ing|er|s)?|attacks?|car bomb)|s?vbied",
        _E.EXPLOSIONS,
        "Suicide bomb",
        9,
        "suicide bomb",
    ),
    (
        r"(?:car|roadside|truck) bomb(?:s|ing)?|ieds?|improvised explosive devices?|land ?mines?"
        r"|explosive devices?|booby[- ]trap(?:ped|s)?|(?:bomb|mine) (?:exploded|went off|blast)",
        _E.EXPLOSIONS,
        "Remote explosive/landmine/IED",
        8,
        "explosive device",
    ),
    (r"grenades?", _E.EXPLOSIONS, "Grenade", 7, "grenade"),
    (
        r"drone (?:strikes?|attacks?|raids?)|(?:attack|armed|kamikaze|suicide) drones?"
        r"|drones? (?:struck|attacked|targeted|hit|dropped)",
        _E.EXPLOSIONS,
        "Air/drone strike",
        8,
        "drone",
    ),
    (
        r"air ?strikes?|air ?raids?|aerial (?:bombardment|attacks?|strikes?)|barrel bombs?"
        r"|(?:war ?planes?|jets?|aircraft|helicopters?|bombers?) (?:struck|bombed|targeted|hit"
        r"|pounded|attacked|raided|carried out|dropped)|bombed|bombing raids?"
        r"|dropped (?:\w+ ){0,2}bombs?",
        _E.EXPLOSIONS,
        "Air/drone strike",
        7,
        "air",
    ),
    (
        r"shell(?:ing|ed|s)|artillery (?:fire|strikes?|attacks?|shells?)|mortars?(?: shells?| fire"
        r"| rounds?)?|rockets?(?: fire| attacks?| strikes?)?|missiles?(?: strikes?| attacks?)?"
        r"|(?:grad|mlrs|multiple rocket)|bombard(?:ed|ing)|tank fire|shelled|cluster munitions?"
        r"|cluster (?:bombs?|rockets?|shells?|missiles?|submunitions?)",
        _E.EXPLOSIONS,
        "Shelling/artillery/missile attack",
        6,
        "artillery",
    ),
    (
        r"struck|pounded",
        _E.EXPLOSIONS,
        "Shelling/artillery/missile attack",
        2,
        "strike (weapon not named)",
    ),
    (
        # "a government bombardment of Ariha": by guns unless aircraft are named (any weapon
        # named in the sentence, or in a later sentence about the event, wins)
        r"bombardments?",
        _E.EXPLOSIONS,
        "Shelling/artillery/missile attack",
        2,
        "bombardment (weapon not named)",
    ),
    (
        # "special forces raided a house", "assaulted the compound": a ground raid (any weapon or
        # air raid named in the sentence wins)
        r"raid(?:s|ed)?|assault(?:s|ed)?|commando operation",
        _E.BATTLES,
        "Armed clash",
        3,
        "raid",
    ),
    (
        # "an explosion in the town of Afrin killed two": a blast, its device not named (ACLED
        # codes it as a remote explosive unless a weapon is named; any named weapon wins here)
        r"explosions?|blasts?",
        _E.EXPLOSIONS,
        "Remote explosive/landmine/IED",
        3,
        "explosion (device not named)",
    ),
    (
        r"(?:recaptured|retook|regained(?: control of)?|liberated)",
        _E.BATTLES,
        "Government regains territory",
        6,
        "",
    ),
    (
        r"(?:captured|seized|overran|took control of|stormed)",
        _E.BATTLES,
        "Non-state actor overtakes territory",
        5,
        "",
    ),
    (
        r"clash(?:es|ed|ing)?|fighting|firefights?|gun ?battles?|gunfights?|exchanged fire"
        r"|ambush(?:ed)?|battles?|fought|counter-?attack(?:ed|s)?|infiltration attempts?"
        r"|infiltrated",
        _E.BATTLES,
        "Armed clash",
        5,
        "",
    ),
    (
        r"abduct(?:ed|ion|s)|kidnap(?:ped|ping|s)?|disappeared",
        _E.VIOLENCE_AGAINST_CIVILIANS,
        "Abduction/forced disappearance",
        6,
        "",
    ),
    (
        r"execut(?:ed|ion)|massacre(?:d)?|shot dead|gunned down",
        _E.VIOLENCE_AGAINST_CIVILIANS,
        "Attack",
        5,
        "",
    ),
    (
        r"arrest(?:ed|s)?|detain(?:ed|s)|detention campaign|rounded up",
        _E.STRATEGIC,
        "Arrests",
        5,
        "",
    ),
    (
        r"protest(?:s|ed|ers)?|demonstrat(?:ion|ions|ors|ed)|rall(?:y|ies|ied)|sit-ins?",
        _E.PROTESTS,
        "Peaceful protest",
        5,
        "",
    ),
    (r"riot(?:s|ed|ing)?", _E.RIOTS, "Violent demonstration", 5, ""),
    (
        r"shot down|intercepted|downed|repelled|foiled|thwarted|disrupted|air defen[cs]es?"
        r" (?:destroyed|engaged)",
        _E.STRATEGIC,
        "Disrupted weapons use",
        6,
        "",
    ),
    (
        r"(?:signed|sign|reached|concluded|struck|agreed on|inked)\s+(?:\w+\s+){0,3}?"
        r"(?:agreements?|deals?|memorand(?:um|a)|accords?|protocols?|treaty)"
        r"|(?:agreed|agree) (?:to|on)\b|agreement (?:was|has been) (?:signed|reached)",
        _E.STRATEGIC,
        "Agreement",
        6,
        "",
    ),
    (
        r"(?:declared|announced|agreed|brokered)\s+(?:\w+\s+){0,3}?(?:ceasefire|cease-fire|truce"
        r"|halt to (?:the )?(?:fighting|hostilities))|(?:ceasefire|cease-fire|truce)"
        r"\b[^.;]{0,60}?\b(?:took effect|came into (?:force|effect)|was declared|went into effect"
        r"|begins|began)",
        _E.STRATEGIC,
        "Ceasefire declared",
        7,
        "",
    ),
    (r"patroll?(?:s|ed|ing)?|joint patrols?", _E.STRATEGIC, "Patrol", 6, ""),
    (
        r"withdr(?:ew|awn|aw|awal)\s+(?:of\s+)?(?:\w+\s+){0,2}?(?:heavy weapons|weapons|artillery"
        r"|tanks)|(?:heavy )?weapons? withdrawal",
        _E.STRATEGIC,
        "Weapons withdrawal",
        7,
        "",
    ),
    (
        r"deploy(?:ed|ment|s|ing)|reinforcements?|sent (?:\w+ ){0,2}(?:troops|forces|convoys?)"
        r"|(?:military )?convoys? (?:entered|arrived|crossed)",
        _E.STRATEGIC,
        "Military deployment",
        5,
        "",
    ),
    (
        r"(?:establish|establishing|established|set up|setting up|create|creating|created|open"
        r"|opened|opening|build|built|building)\s+(?:\w+\s+){0,4}?(?:cent(?:er|re)s?|bases?"
        r"|(?:observation |military )?posts?|headquarters|observation points?|checkpoints?"
        r"|outposts?)",
        _E.STRATEGIC,
        "Headquarters or base established",
        6,
        "",
    ),
    (
        r"loot(?:ed|ing)|torch(?:ed|ing)|burn(?:ed|t) (?:down )?(?:homes|houses|crops|fields)"
        r"|demolish(?:ed|ing)",
        _E.STRATEGIC,
        "Looting/property destruction",
        5,
        "",
    ),
    (
        r"handed over|hand over|transferred control",
        _E.STRATEGIC,
        "Non-violent transfer of territory",
        5,
        "",
    ),
    (
        r"violat(?:e|ed|es|ing|ion|ions)\s+(?:of\s+)?(?:\w+\s+){0,3}?(?:agreement|ceasefire"
        r"|cease-fire|truce|deal|memorandum|de-?escalation)",
        _E.STRATEGIC,
        "Other",
        3,
        "violation",
    ),
)

_COMPILED = tuple(
    (re.compile(r"\b(?:" + pat + r")\b", re.I), et, sub, w, mode)
    for pat, et, sub, w, mode in _LEXICON
)

#: "foiled the terrorist plan": a link to an earlier planned event, not an event of its own.
FOIL_LINK = re.compile(
    r"\b(?:foiled|thwarted|prevented|disrupted|frustrated|derailed)\s+(?:the|this|that|these"
    r"|their|its|a|an)\s+(?:\w+\s+){0,2}?(?:plans?|plots?|attempts?|attacks?|operation|scheme)\b",
    re.I,
)

_PLANNED = re.compile(
    r"\b(?:plan(?:s|ned|ning)? to|plan(?:s|ned)? for|preparing (?:to|for)|prepares? to|intends? to"
    r"|intended to|intending to|will|would|shall|is to|are to|was to|were to|aim(?:s|ed|ing)? to"
    r"|set to|expected to|scheduled to|due to|about to|going to|working to|work to|seeking to"
    r"|seek to|seeks to|threaten(?:s|ed|ing)? to|to resume|to launch|to begin|to start"
    r"|planning|plans|proposed|upcoming|soon|next (?:week|month)|future)\b",
    re.I,
)
_FOILED = re.compile(
    r"\b(?:foiled|thwarted|prevented|intercepted|shot down|downed|repelled|repulsed|disrupted"
    r"|failed|attempted|attempt(?:s|ed)? to|tried to)\b",
    re.I,
)
_DENIED = re.compile(
    r"\b(?:denied|denies|deny|rejected|rejects|dismissed|refuted|refutes|did not|didn't|never"
    r"|no\s+(?:\w+\s+){0,2}?(?:took place|were carried out|was carried out)|false|fabricated"
    r"|baseless|untrue)\b",
    re.I,
)
_ALLEGED = re.compile(
    r"\b(?:allegedly|alleged|reportedly|purportedly|claimed|claims|claiming|accused|accuses"
    r"|accusing|blamed|blames)\b",
    re.I,
)
_ANNOUNCED = re.compile(r"\b(?:announced|announces|declared|declares|unveiled)\b", re.I)
_FUTURE = re.compile(
    r"\b(?:will|shall|tomorrow|next (?:week|month|year|monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday)|is to|are to|plans? to|planning to|scheduled|upcoming|to be held"
    r"|expected to|planned for|scheduled for|postponed|delayed|cancell?ed)\b",
    re.I,
)
_PLANNED_AFTER = re.compile(
    r"^\W*(?:\w+\s+){0,2}?(?:planned|scheduled|proposed|expected|due)\b|^[^.;]{0,80}\b(?:was"
    r"|were|has been|have been)\s+(?:postponed|delayed|cancell?ed|called off|put off)\b",
    re.I,
)
_CLAUSE_BREAK = re.compile(r"[;:]|,\s*(?:but|while|whereas|however|and then)\b|\bbut\b", re.I)


@dataclass(frozen=True, slots=True)
class Trigger:
    start: int
    end: int
    text: str
    event_type: EventType
    sub_event_type: str
    weight: int
    mode: str  # weapon or kind of event ("drone", "artillery", "violation"), "" if none


def find_triggers(sentence: str) -> list[Trigger]:
    """Triggers in ``sentence``, left to right; where two overlap the heavier one stays."""
    found: list[Trigger] = []
    for pattern, et, sub, weight, mode in _COMPILED:
        for m in pattern.finditer(sentence):
            found.append(Trigger(m.start(), m.end(), m.group(0), et, sub, weight, mode))
    found.sort(key=lambda t: (t.start, -t.weight))
    kept: list[Trigger] = []
    for t in found:
        clash = next((k for k in kept if t.start < k.end and k.start < t.end), None)
        if clash is None:
            kept.append(t)
        elif t.weight > clash.weight:
            kept[kept.index(clash)] = t
    return sorted(kept, key=lambda t: t.start)


def _clause_before(sentence: str, start: int, window: int = 90) -> str:
    before = sentence[max(0, start - window) : start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    return before[breaks[-1].end() :] if breaks else before


def modality_for(sentence: str, trigger: Trigger) -> Modality:
    """The modality of ``trigger``'s event from the words before it in its clause."""
    before = _clause_before(sentence, trigger.start)
    if trigger.sub_event_type == "Disrupted weapons use":
        return Modality.FOILED
    if _DENIED.search(before):
        return Modality.DENIED
    if _FOILED.search(before):
        return Modality.FOILED
    if _PLANNED.search(before) or _PLANNED_AFTER.search(sentence[trigger.end :]):
        return Modality.ANNOUNCED if _ANNOUNCED.search(before) else Modality.PLANNED
    if _ALLEGED.search(before) or _ALLEGED.search(sentence[trigger.end : trigger.end + 30]):
        return Modality.ALLEGED
    return Modality.OCCURRED


def is_future(sentence: str) -> bool:
    return bool(_FUTURE.search(sentence))
