"""Offline GraphiQL: Strawberry's GraphiQL page using scripts and styles served by the gateway."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Final

from starlette.staticfiles import StaticFiles
from strawberry.http.ides import get_graphql_ide_html

__all__ = ["GRAPHIQL_ASSETS_PATH", "graphiql_assets_app", "offline_graphiql_html"]

GRAPHIQL_ASSETS_PATH: Final[str] = "/graphql/assets"

_ASSETS_DIR: Final[Path] = Path(__file__).resolve().parent / "static" / "graphiql"

_UNPKG: Final[str] = "https://unpkg.com"

# Each unpkg URL in Strawberry's graphiql.html, mapped to the vendored file that replaces it.
_LOCAL_FILES: Final[dict[str, str]] = {
    f"{_UNPKG}/react@18.2.0/umd/react.production.min.js": "react.production.min.js",
    f"{_UNPKG}/react-dom@18.2.0/umd/react-dom.production.min.js": "react-dom.production.min.js",
    f"{_UNPKG}/js-cookie@3.0.5/dist/js.cookie.min.js": "js.cookie.min.js",
    f"{_UNPKG}/graphiql@3.8.3/graphiql.min.css": "graphiql.min.css",
    f"{_UNPKG}/graphiql@3.8.3/graphiql.min.js": "graphiql.min.js",
    f"{_UNPKG}/@graphiql/plugin-explorer@1.0.2/dist/style.css": "plugin-explorer.css",
    f"{_UNPKG}/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": "plugin-explorer.umd.js",
}

_SCRIPT_OR_LINK_TAG: Final[re.Pattern[str]] = re.compile(r"<(?:script|link)\b[^>]*>", re.IGNORECASE)
_CDN_ATTRIBUTE: Final[re.Pattern[str]] = re.compile(
    r"""\s+(?:integrity|crossorigin)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?(?=[\s/>])""",
    re.IGNORECASE,
)


def _strip_cdn_attributes(tag: re.Match[str]) -> str:
    """Return a script or link tag without its integrity and crossorigin attributes."""
    return _CDN_ATTRIBUTE.sub("", tag.group(0))


@functools.cache
def offline_graphiql_html() -> str:
    """Return Strawberry's GraphiQL page with every unpkg asset pointed at the gateway's copy."""
    html = get_graphql_ide_html(graphql_ide="graphiql")
    html = _SCRIPT_OR_LINK_TAG.sub(_strip_cdn_attributes, html)
    for cdn_url, file_name in _LOCAL_FILES.items():
        html = html.replace(cdn_url, f"{GRAPHIQL_ASSETS_PATH}/{file_name}")
    if _UNPKG in html:
        leftovers = sorted(set(re.findall(rf"{re.escape(_UNPKG)}[^\"'\s>]*", html)))
        raise RuntimeError(
            "Strawberry's graphiql.html still references unpkg after the offline rewrite "
            f"(did a Strawberry upgrade change its assets?): {', '.join(leftovers)}"
        )
    return html


def graphiql_assets_app() -> StaticFiles:
    """Return an ASGI app serving the vendored GraphiQL files, to mount at GRAPHIQL_ASSETS_PATH."""
    return StaticFiles(directory=_ASSETS_DIR)
