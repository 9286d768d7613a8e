"""What a file is, by its content: magic bytes, never its name; and which file names are safe.

:func:`sniff` reads the first bytes of a file (its *signature*, as the WHATWG MIME Sniffing
standard and ``file(1)`` do) and names its media type, or refuses it: an archive (ZIP, gzip,
7-Zip, RAR, tar, ...) is refused outright, since an archive is a container of other files whose
content truce cannot vouch for (and the classic vehicle of a decompression bomb); a file it does
not recognise is refused too. :func:`check_declared` then compares the type the uploader declared
(a ``Content-Type``, a ``--type``) and the file name's extension with what the content is: a
contradiction is an error, so a PDF named ``photo.jpg`` is never stored as a photo.
"""

from __future__ import annotations

import mimetypes
import unicodedata

from truce.errors import ValidationError

__all__ = ["ACCEPTED", "check_declared", "media_kind", "safe_filename", "sniff"]

#: Media types truce keeps, with the extensions that name them.
ACCEPTED: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "image/tiff": (".tif", ".tiff"),
    "image/heic": (".heic", ".heif"),
    "application/pdf": (".pdf",),
    "video/mp4": (".mp4", ".m4v"),
    "video/quicktime": (".mov", ".qt"),
    "video/webm": (".webm",),
    "video/x-matroska": (".mkv",),
    "audio/mpeg": (".mp3",),
    "audio/ogg": (".ogg", ".oga", ".opus"),
    "video/ogg": (".ogv",),
    "audio/wav": (".wav",),
    "text/plain": (".txt", ".text", ".csv", ".md"),
}

_ARCHIVES: tuple[tuple[bytes, int, str], ...] = (
    (b"PK\x03\x04", 0, "a ZIP archive"),
    (b"PK\x05\x06", 0, "a ZIP archive"),
    (b"PK\x07\x08", 0, "a ZIP archive"),
    (b"\x1f\x8b", 0, "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "a 7-Zip archive"),
    (b"Rar!\x1a\x07", 0, "a RAR archive"),
    (b"BZh", 0, "a bzip2 archive"),
    (b"\xfd7zXZ\x00", 0, "an xz archive"),
    (b"\x28\xb5\x2f\xfd", 0, "a Zstandard archive"),
    (b"ustar", 257, "a tar archive"),
)


def _ftyp(head: bytes) -> str | None:
    """ISO base media (MP4, QuickTime, HEIC): ``....ftyp<brand>``."""
    if head[4:8] != b"ftyp":
        return None
    brand = head[8:12]
    if brand == b"qt  ":
        return "video/quicktime"
    if brand in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis", b"hevc"):
        return "image/heic"
    return "video/mp4"


def sniff(head: bytes) -> str:
    """The media type of a file starting with ``head`` (at least its first 512 bytes, if it
    has them); raises :class:`ValidationError` for an archive or an unrecognised file."""
    for magic, offset, what in _ARCHIVES:
        if head[offset : offset + len(magic)] == magic:
            raise ValidationError(
                f"the file is {what}; archives are refused",
                field="file",
                hint="Attach the photos, videos or documents themselves, one file each.",
            )
    if not head:
        raise ValidationError("the file is empty", field="file")
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    found = _ftyp(head)
    if found:
        return found
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"):
        return "video/quicktime"
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: WebM or Matroska, by the DocType
        return "video/webm" if b"webm" in head[:64] else "video/x-matroska"
    if head.startswith(b"OggS"):
        return "video/ogg" if b"theora" in head[:128] else "audio/ogg"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    if _is_text(head):
        return "text/plain"
    raise ValidationError(
        "the file's content is not a type truce keeps (its first bytes match no image, video, "
        "audio, PDF or text signature)",
        field="file",
        hint="Accepted: " + ", ".join(sorted(ACCEPTED)) + ".",
    )


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the head
            return False
        text = head[: exc.start].decode("utf-8")
    return all(c.isprintable() or c in "\t\r\n\f" for c in text)


def media_kind(media_type: str) -> str:
    """``image``, ``video``, ``audio``, ``document`` or ``text``."""
    major = media_type.split("/", 1)[0]
    if major in ("image", "video", "audio", "text"):
        return major
    return "document"


def check_declared(sniffed: str, declared: str | None, filename: str | None) -> None:
    """Raise if the declared media type or the name's extension contradicts the content."""
    declared = (declared or "").split(";", 1)[0].strip().lower()
    if declared and declared not in ("application/octet-stream", "binary/octet-stream"):
        if declared == "image/jpg":
            declared = "image/jpeg"
        if declared != sniffed and not (sniffed == "text/plain" and declared.startswith("text/")):
            raise ValidationError(
                f"the file was declared {declared} but its content is {sniffed}; nothing stored",
                field="media_type",
                hint="Attach the original file, or declare its real type.",
            )
    if filename and "." in filename:
        ext = "." + filename.rsplit(".", 1)[1].lower()
        known = {e: t for t, exts in ACCEPTED.items() for e in exts}
        claimed = known.get(ext) or mimetypes.types_map.get(ext)
        if (
            claimed
            and claimed != sniffed
            and not (sniffed == "text/plain" and claimed.startswith("text/"))
        ):
            raise ValidationError(
                f"the file is named {filename!r} but its content is {sniffed}, not {claimed}; "
                "nothing stored",
                field="filename",
                hint="Attach the original file under its own name.",
            )


def safe_filename(name: str) -> str:
    """``name`` if it is a plain file name (no directories, no control characters), NFC."""
    if not name or not name.strip():
        raise ValidationError("the file name is empty", field="filename")
    if "\x00" in name:
        raise ValidationError("the file name contains a NUL byte", field="filename")
    if "/" in name or "\\" in name:
        raise ValidationError(
            f"the file name {name[:100]!r} contains a path; give the file's name only",
            field="filename",
            hint="Send 'photo.jpg', not 'dir/photo.jpg'.",
        )
    if name in (".", "..") or name.startswith(".."):
        raise ValidationError(f"the file name {name[:100]!r} is not a file name", field="filename")
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in name):
        raise ValidationError("the file name contains control characters", field="filename")
    if len(name.encode("utf-8")) > 255:
        raise ValidationError("the file name is longer than 255 bytes", field="filename")
    return unicodedata.normalize("NFC", name)
