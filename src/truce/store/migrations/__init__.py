"""Alembic migrations of truce's database (see ``env.py``)."""
