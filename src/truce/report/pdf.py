"""HTML to PDF with Chromium's print-to-PDF (Debian package ``chromium``).

Chromium because it renders exactly the HTML, CSS and inline SVG a browser shows (the same
engine the web UI's end-to-end tests drive), with selectable text, and it is one Debian package;
WeasyPrint would bring its own CSS and SVG subset and the Pango stack. The PDF's creation and
modification dates are set to the ledger time the report cites, so rebuilding gives the same
dates. ``$TRUCE_CHROMIUM`` names the binary if it is not on the PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

from truce.errors import ConfigError, TruceError

__all__ = ["chromium", "html_to_pdf"]

_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium() -> str:
    override = os.environ.get("TRUCE_CHROMIUM")
    if override:
        return override
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ConfigError(
        "no Chromium found to print the PDF",
        hint="Install it (Debian: apt-get install chromium), set TRUCE_CHROMIUM, "
        "or write the report as HTML.",
    )


def _pdf_date(rfc3339: str) -> bytes:
    moment = datetime.fromisoformat(rfc3339.replace("Z", "+00:00"))
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'").encode()


def _fix_dates(pdf: bytes, when: str) -> bytes:
    """Replace /CreationDate and /ModDate with ``when`` (same byte length keeps xref offsets)."""
    stamp = _pdf_date(when)

    def replace(match: re.Match[bytes]) -> bytes:
        old = match.group(2)
        new = stamp[: len(old)].ljust(len(old), b" ")
        return match.group(1) + new + b")"

    return re.sub(rb"(/(?:CreationDate|ModDate) ?\()([^)]*)\)", replace, pdf)


def html_to_pdf(html: str, out: Path, *, when: str = "", timeout: float = 120.0) -> None:
    binary = chromium()
    with tempfile.TemporaryDirectory(prefix="truce-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        target = Path(tmp) / "report.pdf"
        command = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--hide-scrollbars",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={target}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise TruceError(f"Chromium did not finish printing within {timeout:.0f} s") from None
        if done.returncode != 0 or not target.exists() or target.stat().st_size == 0:
            tail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
            raise TruceError(
                f"Chromium failed to print the PDF (exit {done.returncode}): {' | '.join(tail)}",
                hint="Write the same report as HTML to check the page.",
            )
        data = target.read_bytes()
        if when:
            data = _fix_dates(data, when)
        tmp_out = out.with_name(out.name + ".part")
        tmp_out.write_bytes(data)
        os.replace(tmp_out, out)
