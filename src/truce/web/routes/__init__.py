"""The API's routers, one module per resource family (listed in ``truce.capabilities``)."""
