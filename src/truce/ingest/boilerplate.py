"""What page chrome looks like, as text: the rules both readers use to name a removed block.

The rules are about kinds of block, not about one site's strings: a run of currency amounts is a
donation widget; "More on this topic", "Related", "Read also" open a related-links list; "Consider
helping us", "Donate", "Support our journalism" are donation appeals; a line starting "Photo",
"Image", "File image" or ending with an agency credit is an image caption (captions describe a
picture, often of another event, so they never feed claims); "Share", "Tweet", "Follow us" are
share buttons; and so on. Each rule returns the reason recorded in ``Document.removed``.

Sentence-likeness (:func:`is_prose`) decides what can be article body at all: a paragraph of
several words that ends like a sentence.
"""

from __future__ import annotations

import re

__all__ = [
    "ENDS_ARTICLE",
    "chrome_reason",
    "is_caption",
    "is_heading_like",
    "is_prose",
    "normalise",
]

_CURRENCY = r"(?:[$€£¥₺]|USD|EUR|GBP|TRY|dollars?|euros?)"
_AMOUNT_LINE = re.compile(
    r"^\s*(?:" + _CURRENCY + r"\s*[\d][\d,.\s]*|[\d][\d,.\s]*\s*" + _CURRENCY + r")\s*$", re.I
)

# (reason, pattern) in order; the first match names the block. Patterns see one short block.
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("donation widget", _AMOUNT_LINE),
    (
        "donation appeal",
        re.compile(
            r"\b(?:consider (?:helping|supporting|donating)|donate|donation|support (?:us|our)"
            r"|help us|become a (?:patron|member|supporter)|do you like this content"
            r"|patreon|paypal|buy me a coffee)\b",
            re.I,
        ),
    ),
    (
        "related links",
        re.compile(
            r"^(?:more on (?:this|the) (?:topic|subject|story)|related(?: articles| stories"
            r"| news| posts| content)?|read (?:also|more|next)|see also|you (?:may|might) also"
            r" (?:like|be interested(?: in)?)|recommended(?: for you)?|most (?:read|popular)"
            r"|also read|further reading|more (?:stories|news|from))\b.{0,60}$",
            re.I,
        ),
    ),
    (
        "share buttons",
        re.compile(
            r"^(?:share(?: this| on| via| article)?|tweet|email|print|whatsapp|telegram"
            r"|facebook|twitter|linkedin|reddit|follow us(?: on)?)\b[\w\s|:,/·•-]{0,80}$",
            re.I,
        ),
    ),
    (
        "newsletter sign-up",
        re.compile(r"\b(?:newsletter|subscribe|sign up for|get our (?:daily|weekly))\b", re.I),
    ),
    ("advertisement", re.compile(r"^(?:advertisement|sponsored(?: content)?|ad|ads)\W*$", re.I)),
    (
        "copyright notice",
        re.compile(r"(?:©|\(c\)\s*\d{4}|\bcopyright\b|\ball rights reserved\b)", re.I),
    ),
    ("tags", re.compile(r"^(?:tags?|topics?|filed under|categories|category)\s*:", re.I)),
    ("cookie notice", re.compile(r"\bcookies?\b.*\b(?:accept|consent|policy|use)\b", re.I)),
    (
        "comments header",
        re.compile(
            r"^(?:\d+\s+)?(?:comments?|responses?|replies|reader comments|join the discussion"
            r"|leave a (?:comment|reply)|add a comment|post a comment|show comments"
            r"|\d+\s+thoughts? on\b.*)\W*$",
            re.I,
        ),
    ),
    (
        "navigation",
        re.compile(r"^(?:[\w&' -]{2,20}\s*(?:\||·|•|/|»|›)\s*){2,}[\w&' -]{2,20}$"),
    ),
    (
        "byline",
        re.compile(r"^(?:by|written by|author|reporting by|editing by)\s*:?\s+[A-Z][\w.'-]+", re.I),
    ),
)

#: Reasons after which nothing is article body any more (the article has ended).
ENDS_ARTICLE = frozenset(
    {
        "related links",
        "donation appeal",
        "comments header",
        "share buttons",
        "tags",
        "newsletter sign-up",
        "copyright notice",
    }
)

_CAPTION = re.compile(
    r"^(?:\(?(?:file\s+)?(?:image|photo(?:graph)?|picture|pic|video|footage|illustration"
    r"|caption|credit|source)s?\b\s*(?:[:|/–—-]|credit|by|of|shows|:)?"
    r"|\[(?:image|photo)|file\s+(?:image|photo|picture)\b)",
    re.I,
)
_CREDIT_TAIL = re.compile(
    r"(?:\((?:photo|image|picture)?\s*:?\s*(?:AFP|AP|Reuters|Getty|EPA|SANA|Anadolu|AA|"
    r"file)[^)]{0,40}\)|(?:/|—|-)\s*(?:AFP|AP|Reuters|Getty Images|EPA|Anadolu(?: Agency)?)"
    r"(?:\s+photo)?)\.?$",
    re.I,
)
_SENTENCE_END = re.compile(r"""[.!?…]["'”’»)\]]*$""")
_WORD = re.compile(r"[^\W\d_][\w'’`-]*")


def normalise(text: str) -> str:
    """For comparing blocks: case-folded, quotes unified, whitespace collapsed."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.casefold().split())


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def is_prose(text: str, min_words: int = 8) -> bool:
    """A paragraph that reads as running text: enough words, ending like a sentence."""
    stripped = text.strip()
    return len(words(stripped)) >= min_words and bool(_SENTENCE_END.search(stripped))


def is_heading_like(text: str) -> bool:
    """A title or heading: a few words, no sentence ending, mostly capitalised words."""
    stripped = text.strip()
    ws = words(stripped)
    if not 2 <= len(ws) <= 30 or (_SENTENCE_END.search(stripped) and len(ws) > 20):
        return False
    if stripped.endswith((".", ":", ",", ";")):
        return False
    capitalised = sum(1 for w in ws if w[0].isupper() or not w[0].isalpha())
    return capitalised >= 0.5 * len(ws)


#: A photo's credit after a described scene: "... on November 6, 2022. © 2022 Syria Civil
#: Defence" (a caption, not the page's copyright line).
_PHOTO_CREDIT = re.compile(r"[.!?]\s*(?:©|\(c\))\s*(?:\d{4}\s+)?[\w .,'&/-]{2,60}$", re.I)


def is_caption(text: str) -> bool:
    stripped = text.strip()
    if _CAPTION.match(stripped) or _CREDIT_TAIL.search(stripped):
        return True
    return len(words(stripped)) > 12 and bool(_PHOTO_CREDIT.search(stripped))


def chrome_reason(text: str) -> str | None:
    """The reason ``text`` (one short block) is page chrome, or None."""
    stripped = text.strip()
    if not stripped:
        return None
    if is_caption(stripped):
        return "image caption"
    # Running text is never chrome by keyword alone ("... urged donors to support our work").
    prose = len(words(stripped)) > 12 and is_prose(stripped)
    for reason, pattern in _RULES:
        if prose:
            break
        if pattern.search(stripped):
            return reason
    return None
