"""The API's routers, one module per resource family (see ``truce.web.app.ROUTERS``)."""
