"""The HTML reader: trafilatura for the article, lxml for the rest of the page.

Why trafilatura: it is the most accurate open main-content extractor in the published
comparisons (Barbaresi 2021, ACL demo; Bevendorff et al. 2023, SIGIR "An Empirical Comparison of
Web Content Extraction Algorithms"), is maintained, pure Python on lxml (no browser, no network,
no model download), and brings htmldate for publication dates. It finds the article's paragraphs;
it does not say what it threw away or keep a comment thread's structure, so this reader also
walks the page itself:

- *removed*: blocks in page chrome (``header``, ``nav``, ``footer``, ``aside``, ``figcaption``
  and elements whose class or id names share buttons, related links, newsletters, donations,
  adverts, cookie notices), each with a reason (see :mod:`truce.ingest.boilerplate`);
- *comments*: the comment section (an element whose id or class is ``comments``,
  ``comment-list``, ``commentlist``...), each comment's author (``.comment-author``, ``.fn``,
  ``cite``, ``[itemprop=author]``...), text (``.comment-content``, ``.comment-body``, ``p``) and
  depth (how many comments enclose it, or WordPress's ``depth-N`` class);
- *metadata*: title (``og:title``, ``h1``, ``<title>`` less the site name), outlet
  (``og:site_name``, JSON-LD publisher), URL (canonical link, ``og:url``) and publication date:
  ``article:published_time``/``datePublished``/``<time datetime>`` are trusted (0.9); htmldate's
  guess from the rest of the page less so (0.6).

A paragraph trafilatura returns that is a caption or comment found here is moved to ``removed``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import lxml.html
import trafilatura
from lxml import etree

from truce import jsonlimits
from truce.errors import IngestError, ValidationError
from truce.ingest.boilerplate import chrome_reason, is_caption, normalise, words
from truce.ingest.document import Comment, Document, Published, Removed
from truce.ingest.formats import Source
from truce.ingest.pubdate import Clue, decide, url_clue
from truce.ingest.text import outlet_from_url
from truce.ingest.timex import parse_date_line

__all__ = ["read_html", "sniff_html"]

_HTML_HEAD = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|div|p|article)\b", re.I)
_CHROME_CLASS = (
    ("cookie notice", re.compile(r"\bcookie", re.I)),
    ("share buttons", re.compile(r"\b(?:share|sharing|social)\b", re.I)),
    ("related links", re.compile(r"\b(?:related|more-on|read-more|recommended|also-read)", re.I)),
    ("newsletter sign-up", re.compile(r"\b(?:newsletter|subscribe|signup)", re.I)),
    ("donation appeal", re.compile(r"\b(?:donat|support-us|patreon|paypal)", re.I)),
    ("advertisement", re.compile(r"\b(?:ad|ads|advert|advertisement|sponsor|banner)\b", re.I)),
    ("tags", re.compile(r"\b(?:tags|tag-list|post-tags|categories)\b", re.I)),
    ("byline", re.compile(r"\b(?:byline|author-info|author-box)\b", re.I)),
)
_CHROME_TAGS = {
    "header": "site header",
    "nav": "navigation",
    "footer": "footer",
    "aside": "sidebar",
    "figcaption": "image caption",
}
_COMMENT_SECTION = re.compile(
    r"^(?:comments?|comment-?list|commentlist|comments-area|comment-section|disqus_thread"
    r"|reader-comments|responses)$|\bcomments-area\b|\bcomment-list\b|\bcommentlist\b",
    re.I,
)
_COMMENT_ITEM = re.compile(
    r"(?:^|\s)(?:comment|comment-item|comment-thread-item|reply|post-comment)(?:\s|$)"
    r"|(?:^|\s)comment-\d+(?:\s|$)",
    re.I,
)
_AUTHOR_CLASS = re.compile(r"\b(?:comment-author|fn|author|username|user-name|commenter)\b", re.I)
_TEXT_CLASS = re.compile(r"\b(?:comment-content|comment-body|comment-text|content|text)\b", re.I)
_DEPTH_CLASS = re.compile(r"\bdepth-(\d+)\b")
_TITLE_SUFFIX = re.compile(r"\s+[|–—·-]\s+[^|–—·-]{2,60}$")


def sniff_html(head: bytes) -> float:
    return 0.9 if _HTML_HEAD.search(head[:4096]) else 0.0


def _attr(el: Any) -> str:
    return f"{el.get('class', '')} {el.get('id', '')}".strip()


def _text(el: Any) -> str:
    return " ".join(" ".join(el.itertext()).split())


def _meta(tree: Any, *names: str) -> str | None:
    for name in names:
        for el in tree.xpath(f'//meta[@property="{name}" or @name="{name}" or @itemprop="{name}"]'):
            content = (el.get("content") or "").strip()
            if content:
                return content
    return None


def _json_ld(tree: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = jsonlimits.loads(script.text or "", "JSON-LD", lenient=True)
        except ValidationError:
            continue  # a page's broken or hostile metadata: read the page without it
        items = data if isinstance(data, list) else data.get("@graph", [data])
        out.extend(i for i in items if isinstance(i, dict))
    return out


def _parse_iso(value: str | None) -> date | None:
    if not value:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
    if m is None:
        found = parse_date_line(value)
        return found[0].start if found and found[0].start == found[0].end else None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _published(
    source: Source, tree: Any, ld: list[dict[str, Any]], html: str, url: str | None
) -> Published:
    if source.published is not None:
        return Published.given_as(source.published)
    clues: list[Clue] = []
    for how, value in (
        ("meta article:published_time", _meta(tree, "article:published_time")),
        (
            "JSON-LD datePublished",
            next((i.get("datePublished") for i in ld if i.get("datePublished")), None),
        ),
        ("meta datePublished", _meta(tree, "datePublished", "pubdate", "date", "DC.date.issued")),
        ("<time pubdate>", next(iter(tree.xpath("//time[@pubdate]/@datetime")), None)),
        ("<time> in the article", next(iter(tree.xpath("//article//time/@datetime")), None)),
    ):
        day = _parse_iso(value)
        if day is not None:
            clues.append(Clue(day, day, how, 0.9))
            break
    found_url = url_clue(url)
    if found_url is not None:
        clues.append(found_url)
    if not clues:
        try:
            from htmldate import find_date

            found = find_date(
                html, original_date=True, extensive_search=True, outputformat="%Y-%m-%d"
            )
        except Exception:  # htmldate raises assorted errors on odd markup; a guess is optional
            found = None
        day = _parse_iso(found)
        if day is not None:
            clues.append(
                Clue(
                    day,
                    day,
                    "htmldate (guessed from the page's text)",
                    0.3,
                    "no publication date in the page's metadata; a date in the page's text may "
                    "be a header or a date of something else (pass --published)",
                )
            )
    return decide(clues)


def _title(tree: Any, ld: list[dict[str, Any]]) -> str | None:
    for value in (
        _meta(tree, "og:title", "twitter:title"),
        next((i.get("headline") for i in ld if i.get("headline")), None),
        next((_text(h) for h in tree.xpath("//h1")), None),
        next((_text(t) for t in tree.xpath("//title")), None),
    ):
        if value and value.strip():
            return _TITLE_SUFFIX.sub("", " ".join(value.split())) or value.strip()
    return None


def _outlet(source: Source, tree: Any, ld: list[dict[str, Any]], url: str | None) -> str | None:
    if source.outlet:
        return source.outlet
    site = _meta(tree, "og:site_name", "application-name")
    if site:
        return site
    for item in ld:
        publisher = item.get("publisher")
        if isinstance(publisher, dict) and publisher.get("name"):
            return str(publisher["name"])
    return outlet_from_url(url)


def _comments(tree: Any) -> tuple[list[Comment], set[Any]]:
    sections = [
        el for el in tree.iter() if isinstance(el.tag, str) and _COMMENT_SECTION.search(_attr(el))
    ]
    sections = [
        s for s in sections if not any(o is not s and s in o.iterdescendants() for o in sections)
    ]
    comments: list[Comment] = []
    used: set[Any] = set(sections)
    for section in sections:
        items = [
            el
            for el in section.iterdescendants()
            if isinstance(el.tag, str)
            and el.tag in ("li", "article", "div")
            and _COMMENT_ITEM.search(_attr(el))
            and _author(el) is not None
        ]
        # one comment, one item: drop an item inside another item with the same author element
        authors = {el: _author_element(el) for el in items}
        items = [
            el
            for el in items
            if not any(anc in authors and authors[anc] is authors[el] for anc in el.iterancestors())
        ]
        for el in items:
            author = _author(el)
            assert author is not None
            depth_class = _DEPTH_CLASS.search(el.get("class", ""))
            if depth_class:
                depth = int(depth_class.group(1)) - 1
            else:
                depth = sum(1 for anc in el.iterancestors() if anc in items)
            text = _comment_text(el, items)
            if text:
                comments.append(Comment(author, max(depth, 0), text))
    return comments, used


def _author(el: Any) -> str | None:
    found = _author_element(el)
    if found is None:
        return None
    name = _text(found)
    return re.sub(r"\s+(?:says|said|wrote)\s*:?$", "", name, flags=re.I).strip() or None


def _author_element(el: Any) -> Any:
    for child in el.iter():
        if not isinstance(child.tag, str) or child is el:
            continue
        if (
            child.get("itemprop") == "author"
            or _AUTHOR_CLASS.search(_attr(child))
            or (child.tag == "cite")
        ):
            name = _text(child)
            if name and len(words(name)) <= 6:
                return child
        if child.tag in ("p",):
            break
    return None


def _comment_text(el: Any, items: list[Any]) -> str:
    nested = [i for i in items if i is not el and el in i.iterancestors()]

    def inside_reply(node: Any) -> bool:
        return any(n in node.iterancestors() or n is node for n in nested)

    blocks = [
        child
        for child in el.iterdescendants()
        if isinstance(child.tag, str)
        and _TEXT_CLASS.search(_attr(child))
        and not inside_reply(child)
        and not _AUTHOR_CLASS.search(_attr(child))
    ]
    if blocks:
        paragraphs = [p for p in blocks[0].iter("p") if not inside_reply(p)]
        if paragraphs:
            return "\n\n".join(_text(p) for p in paragraphs if _text(p))
        return _text(blocks[0])
    paragraphs = [p for p in el.iter("p") if not inside_reply(p)]
    return "\n\n".join(_text(p) for p in paragraphs if _text(p))


def _chrome(tree: Any, skip: set[Any]) -> list[Removed]:
    removed: list[Removed] = []
    seen: set[Any] = set()
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "noscript", "template"):
            continue
        if any(anc in seen or anc in skip for anc in el.iterancestors()) or el in skip:
            continue
        reason = _CHROME_TAGS.get(el.tag)
        if reason is None and el.tag not in ("html", "body", "article", "main"):
            attr = _attr(el)
            reason = next((r for r, pattern in _CHROME_CLASS if pattern.search(attr)), None)
        if reason is None:
            continue
        text = _text(el)
        if not text:
            continue
        seen.add(el)
        removed.append(Removed(text[:1000], reason))
    return removed


def read_html(source: Source) -> Document:
    html = source.text
    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise IngestError(f"{source.name}: not parseable as HTML: {exc}") from None
    opened = re.search(r"<html\b", html[:2000], re.I)
    if (
        opened
        and not re.search(r"</html\s*>", html[-2000:], re.I)
        and not re.search(r"</body\s*>", html, re.I)
    ):
        raise IngestError(
            f"{source.name}: truncated: the HTML ends before </body> and </html>",
            hint="The download was cut short; fetch the page again.",
        )
    ld = _json_ld(tree)
    url = (
        source.url
        or _meta(tree, "og:url")
        or next(iter(tree.xpath('//link[@rel="canonical"]/@href')), None)
    )
    comments, comment_nodes = _comments(tree)
    removed = _chrome(tree, comment_nodes)
    extracted = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_precision=True,
        with_metadata=False,
    )
    paragraphs: list[str] = []
    if extracted is not None:
        body = getattr(extracted, "body", None)
        if body is not None:
            for el in body.iter("p", "head", "item", "quote"):
                text = _text(el)
                if text:
                    paragraphs.append(text)
        whole = getattr(extracted, "text", None)
        if not paragraphs and isinstance(whole, str) and whole:
            paragraphs = [p.strip() for p in whole.split("\n") if p.strip()]
    title = _title(tree, ld)
    known = {normalise(c.text) for c in comments} | {normalise(r.text) for r in removed}
    body_paragraphs: list[str] = []
    for paragraph in paragraphs:
        key = normalise(paragraph)
        if title and key == normalise(title):
            continue
        if key in known:
            continue
        if is_caption(paragraph):
            removed.append(Removed(paragraph, "image caption"))
            continue
        reason = chrome_reason(paragraph)
        if reason is not None:
            removed.append(Removed(paragraph, reason))
            continue
        body_paragraphs.append(paragraph)
    notes = [source.encoding_note] if source.encoding_note else []
    return Document(
        name=source.name,
        format="html",
        sha256=source.sha256,
        media_type="text/html",
        title=title,
        outlet=_outlet(source, tree, ld, url),
        url=url,
        published=_published(source, tree, ld, html, url),
        body=tuple(body_paragraphs),
        removed=tuple(removed),
        comments=tuple(comments),
        encoding=source.encoding,
        notes=tuple(notes),
    )
