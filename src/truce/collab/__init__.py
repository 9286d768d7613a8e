"""Collaboration (issue 22): comments on incidents, tasks for parties, and notifications.

- ``incident.commented``: a signed comment on an incident, read by every member (the parties
  and the center), never by the public. A comment for the author's own party only is filed as
  a restricted record (``POST /api/v1/restricted`` with kind ``incident.commented``): the
  ledger, which every party mirrors, then holds only its commitment, and the text is read by
  the party's officers and monitors and the chair until the party releases it.
- ``task.assigned``: a task ("patrol to verify") for one party, ``T-<entry index>``; its status
  changes are new ``task.updated`` entries (open/done), never an edit in place.
- notifications: a projection (``notifications``) of what each party should hear about: an
  incident within reach of a protected site, a task for the party. Listed per user by
  ``GET /api/v1/notifications``, carried on the live stream, and POSTed as JSON to
  ``TRUCE_WEBHOOK_URL`` by a background thread (:mod:`truce.collab.webhook`).
"""
