"""Offline REST reference: a Redoc page rendering the REST door's OpenAPI document.

The page at ``/backoffice/v1/docs`` loads Redoc's standalone bundle from the gateway
(``app/static/redoc``, vendored like GraphiQL's assets; see its ``LICENSES.md``) and the
document from ``/backoffice/v1/openapi.json``: nothing comes from another host.

The bundle is kept as the npm tarball has it; the one outside address it loads (the Redocly
logo beside "API docs by Redocly" in the menu) is replaced when it is served, as
``app/graphiql.py`` does for Strawberry's GraphiQL page.
"""

from __future__ import annotations

import functools
import html
from pathlib import Path
from typing import Final

__all__ = ["REDOC_VERSION", "api_docs_html", "redoc_bundle"]

REDOC_VERSION: Final[str] = "2.5.4"

_BUNDLE: Final[Path] = Path(__file__).resolve().parent / "static" / "redoc" / "redoc.standalone.js"

# Outside addresses the bundle would load, and what replaces each (a JavaScript string's text).
_OUTSIDE_LOADS: Final[dict[str, str]] = {
    # The menu's Redocly logo: a 16x16 transparent SVG instead (the link to Redocly stays).
    "https://cdn.redoc.ly/redoc/logo-mini.svg": (
        "data:image/svg+xml,%3Csvg xmlns=%27http://www.w3.org/2000/svg%27"
        " width=%2716%27 height=%2716%27/%3E"
    ),
}

# Redoc's options (https://redocly.com/docs/redoc/config): every operation and schema is
# rendered up front (no lazy rendering), success responses open, the first level of samples
# open; fonts are the browser's (Redoc's stock page would load them from Google Fonts).
_REDOC_OPTIONS: Final[dict[str, str]] = {
    "expand-responses": "200,201",
    "json-sample-expand-level": "2",
    "path-in-middle-panel": "true",
    "required-props-first": "true",
    "sort-props-alphabetically": "false",
}

_PAGE: Final[str] = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<style>body {{ margin: 0; padding: 0; }}</style>
</head>
<body>
<redoc spec-url="{spec_url}" {options}></redoc>
<script src="{bundle_url}"></script>
</body>
</html>
"""


def api_docs_html(spec_url: str, bundle_url: str, title: str) -> str:
    """The reference page: Redoc (from ``bundle_url``) rendering the document at ``spec_url``."""
    options = " ".join(f'{name}="{html.escape(value)}"' for name, value in _REDOC_OPTIONS.items())
    return _PAGE.format(
        title=html.escape(title),
        spec_url=html.escape(spec_url),
        bundle_url=html.escape(bundle_url),
        options=options,
    )


@functools.cache
def redoc_bundle() -> bytes:
    """Redoc's standalone bundle (UTF-8 JavaScript) with its outside loads replaced.

    Raises ``RuntimeError`` when an address to replace is not in the bundle (a Redoc upgrade
    moved it: check the new bundle for outside loads with ``scripts/check-docs-page``).
    """
    text = _BUNDLE.read_text(encoding="utf-8")
    for address, replacement in _OUTSIDE_LOADS.items():
        if f'"{address}"' not in text:
            raise RuntimeError(
                f"Redoc's bundle no longer holds {address!r} (did an upgrade change it?)"
            )
        text = text.replace(f'"{address}"', f'"{replacement}"')
    return text.encode()
