"""The web layer: create_app(settings), routers, auth, one error handler, the map UI build."""

from truce.web.app import create_app

__all__ = ["create_app"]
