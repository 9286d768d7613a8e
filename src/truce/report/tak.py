"""Streaming CoT to a TAK server over TCP (the server's plain streaming input, usually port 8087).

A TAK server's TCP input reads CoT XML documents one after another on one connection ("protocol
version 0": no length prefix; each document is parsed as its root element closes), which is what
:func:`truce.report.formats.cot.export_cot` writes. :func:`tak_stream` opens the connection and
gives a stream that sends each document as the export writes it. Plain TCP only: for a TLS input
(port 8089) put a TLS tunnel in front. Socket errors become :class:`~truce.errors.TruceError`.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from truce.errors import TruceError, ValidationError
from truce.report.formats.cot import DocumentWriter

__all__ = ["parse_address", "tak_stream"]


def parse_address(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:8087`` for IPv6) as a host and a port."""
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValidationError(f"--tak {text!r}: give HOST:PORT, e.g. 127.0.0.1:8087", field="tak")
    return host.strip("[]"), int(port)


@contextmanager
def tak_stream(host: str, port: int, *, timeout: float = 10.0) -> Iterator[DocumentWriter]:
    """A stream sending each CoT document written to it to the TAK server at host:port."""
    try:
        connection = socket.create_connection((host, port), timeout=timeout)
    except OSError as exc:
        raise TruceError(
            f"cannot connect to the TAK server at {host}:{port} ({exc.strerror or exc})",
            hint="Check the address and that the server's TCP streaming input is enabled.",
        ) from None
    with connection:

        def send(document: str) -> None:
            try:
                connection.sendall(document.encode("utf-8") + b"\n")
            except OSError as exc:
                raise TruceError(
                    f"the TAK server at {host}:{port} closed the connection ({exc})"
                ) from None

        yield DocumentWriter(send)
        connection.shutdown(socket.SHUT_WR)
