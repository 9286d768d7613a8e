"""Bytes to text, and the refusal of what is not a readable document.

Each refusal is an :class:`truce.errors.IngestError` with a one-line reason: too large (over
:data:`MAX_BYTES`, 5 MB by default: a news page is rarely over 1 MB even as HTML), empty, binary
(NUL bytes, control characters, or a known binary signature such as PDF, PNG, ZIP),
truncated (a UTF-8 character cut off at the very end), or undecodable.

Decoding tries, in order: a byte-order mark; strict UTF-8; the charset the page declares
(``<meta charset>``); then, for non-UTF-8 bytes, Windows-1256 when the result reads as Arabic
(Arabic news sites still serve it) and Windows-1252/Latin-1 otherwise. Any fallback is reported in
:attr:`Decoded.note` so the user knows the text was re-encoded by a guess.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from truce.errors import IngestError

__all__ = ["MAX_BYTES", "Decoded", "check_size", "decode"]

MAX_BYTES = 5 * 1024 * 1024

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or DOCX/XLSX/ODT)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable"),
    (b"SQLite format 3", "a SQLite database"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"RIFF", "a RIFF media file"),
    (b"ID3", "an MP3 file"),
)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_MOJIBAKE = re.compile(r"[ÃÂØÙ][\x80-\xbf\u0152-\u2122]")


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    note: str = ""


def check_size(name: str, size: int, limit: int = MAX_BYTES) -> None:
    if size > limit:
        raise IngestError(
            f"{name}: {size / 1_048_576:.1f} MB is over the {limit / 1_048_576:.0f} MB limit "
            "for one document",
            hint="Split it, or raise the limit with --max-bytes if it really is one page.",
        )


def decode(name: str, data: bytes, *, limit: int = MAX_BYTES) -> Decoded:
    """Decode ``data`` or raise :class:`IngestError` saying why it is not a text document."""
    check_size(name, len(data), limit)
    if not data.strip():
        raise IngestError(f"{name}: empty (no text at all)")
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            raise IngestError(f"{name}: binary: {what}, not a text or HTML page")
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return _checked(name, data.decode(codec), codec.removesuffix("-sig"))
            except UnicodeDecodeError as exc:
                raise IngestError(
                    f"{name}: starts with a {codec} mark but is not {codec}: "
                    f"bad byte at offset {exc.start}"
                ) from None
    if b"\x00" in data[:65536]:
        raise IngestError(f"{name}: binary: contains NUL bytes, not a text or HTML page")
    try:
        return _checked(name, data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and _cut_utf8(data[exc.start :]):
            raise IngestError(
                f"{name}: truncated: the file ends in the middle of a UTF-8 character",
                hint="The download or copy was cut short; fetch the document again.",
            ) from None
        first_bad = exc.start
    declared = _declared_charset(data)
    if declared and declared not in ("utf-8", "utf8"):
        try:
            text = data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            return _checked(name, text, declared, f"decoded as {declared}, as the page declares")
    return _checked(name, *_guess(data, first_bad))


def _cut_utf8(tail: bytes) -> bool:
    """True when ``tail`` is the start of a multi-byte UTF-8 sequence, cut short."""
    lead = tail[0]
    need = (
        2 if lead >> 5 == 0b110 else 3 if lead >> 4 == 0b1110 else 4 if lead >> 3 == 0b11110 else 0
    )
    return need > len(tail) and all(b >> 6 == 0b10 for b in tail[1:])


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return None
    name = match.group(1).decode("ascii", "replace").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _guess(data: bytes, first_bad: int) -> tuple[str, str, str]:
    why = f"not UTF-8 (bad byte at offset {first_bad})"
    arabic = data.decode("cp1256", errors="replace")
    high = sum(1 for b in data if b >= 0x80)
    if high and len(_ARABIC.findall(arabic)) >= 0.6 * high:
        return arabic, "windows-1256", f"{why}; decoded as windows-1256 (Arabic) by detection"
    cyrillic = data.decode("cp1251", errors="replace")
    # a few high bytes are Western accents ("Hürriyet"); Russian text is mostly high bytes
    if high >= 20 and len(_CYRILLIC.findall(cyrillic)) >= 0.8 * high:
        return cyrillic, "windows-1251", f"{why}; decoded as windows-1251 (Cyrillic) by detection"
    try:
        text = data.decode("cp1252")
        return text, "windows-1252", f"{why}; decoded as windows-1252 by detection"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", f"{why}; decoded as latin-1 by detection"


def _checked(name: str, text: str, encoding: str, note: str = "") -> Decoded:
    if not text.strip():
        raise IngestError(f"{name}: empty (only whitespace)")
    sample = text[:20000]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\t\n\r\f")
    if controls > max(8, len(sample) // 100):
        raise IngestError(
            f"{name}: binary: {controls} control characters in the first "
            f"{len(sample)} characters; not a text or HTML page"
        )
    if (
        not _LATIN_LETTER.search(sample)
        and not _ARABIC.search(sample)
        and not _CYRILLIC.search(sample)
    ):
        raise IngestError(f"{name}: no letters in it; not a text or HTML page")
    if encoding == "utf-8" and len(_MOJIBAKE.findall(sample)) > 5:
        note = "looks double-encoded (UTF-8 read as Latin-1 and saved again); text kept as is"
    return Decoded(text.replace("\r\n", "\n").replace("\r", "\n"), encoding, note)
