"""``GET /docs``: a browsable page of a service's OpenAPI document, with Swagger UI's own files
from the pinned ``swagger-ui-py`` package (nothing fetched from elsewhere: the page works on a
closed network, and a strict Content-Security-Policy holds it to this origin)."""
import html
import importlib.util
import os

from pathways.runtime.http import NO_STORE

ASSETS = {"swagger-ui.css": "text/css; charset=utf-8",
          "swagger-ui-bundle.js": "text/javascript; charset=utf-8"}
SECURITY = {"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                                       "style-src 'self' 'unsafe-inline'",
            "X-Content-Type-Options": "nosniff"}
INIT = """window.onload = function () {
  window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#ui", deepLinking: true,
                               defaultModelsExpandDepth: 0, validatorUrl: null});
};
"""


def _static_dir():
    # Found without importing the package: its __init__ pulls in web-framework adapters.
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the swagger-ui-py package is not installed (pip install -e .)")
    return os.path.join(spec.submodule_search_locations[0], "static")


def page(title):
    """The page: Swagger UI over ``/openapi.json``."""
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}: API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script>
</body></html>"""
    return 200, {"Content-Type": "text/html; charset=utf-8", **NO_STORE, **SECURITY}, body


def asset(name):
    """One of Swagger UI's files (cacheable: the package is pinned), or 404."""
    if name == "init.js":
        return 200, {"Content-Type": ASSETS["swagger-ui-bundle.js"], **SECURITY}, INIT
    if name not in ASSETS:
        return 404, {"Content-Type": "text/plain"}, "not found"
    with open(os.path.join(_static_dir(), name), encoding="utf-8") as f:
        return 200, {"Content-Type": ASSETS[name], "Cache-Control": "public, max-age=86400",
                     **SECURITY}, f.read()
