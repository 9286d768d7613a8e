"""The evidence locker: photos, videos and documents attached to reports and incidents.

A file is stored once by its SHA-256 (:class:`truce.ledger.evidence.EvidenceStore`); each
attachment is a signed ``evidence.added`` entry (:mod:`truce.evidence.kinds`) naming the file's
hash, media type (sniffed from its content: :mod:`truce.evidence.sniff`), size and name, what
it is attached to, and what truce read from it (:mod:`truce.evidence.learn`: EXIF capture time,
GPS and device, a dHash perceptual hash: :mod:`truce.evidence.phash`). The projection
(:mod:`truce.evidence.tables`) keeps the attachments, a multi-index-hashing near-duplicate index
(:mod:`truce.evidence.index`) and the findings (:mod:`truce.evidence.findings`). Attaching is
:func:`truce.evidence.actions.add`; reading, with visibility, :mod:`truce.evidence.queries`.
See docs/evidence.md.
"""
