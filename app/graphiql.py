"""Offline GraphiQL: Strawberry's GraphiQL page using scripts and styles served by the gateway.

The page's assets are linked with content hashes and cached for a year
(:class:`app.http.static.CachedStaticFiles`). The default tab explains how to authenticate and
shows an example query. Headers (a pasted secret key) are not kept in the browser's
localStorage, neither in the tabs nor in the query history, unless the user turns on "Persist
headers" in GraphiQL's settings; that choice itself is remembered.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Final

from strawberry.http.ides import get_graphql_ide_html

from app.http.static import CachedStaticFiles

__all__ = ["GRAPHIQL_ASSETS_PATH", "graphiql_assets_app", "offline_graphiql_html"]

GRAPHIQL_ASSETS_PATH: Final[str] = "/graphql/assets"

_ASSETS_DIR: Final[Path] = Path(__file__).resolve().parent / "static" / "graphiql"

_ASSETS: Final[CachedStaticFiles] = CachedStaticFiles(_ASSETS_DIR)

#: The text of GraphiQL's first tab (replaces Strawberry's welcome text).
WELCOME_TAB: Final[str] = """# CRM Back-Office gateway: GraphQL
#
# Authenticate with one of these request headers (Headers tab, below):
#   {"api_key": "sk_live_..."}                   an API key: 'crm-gateway serve' and
#                                                'crm-gateway bootstrap' print the first ones;
#                                                more with 'crm-gateway create-api-key' or the
#                                                createApiKey mutation
#   {"authorization": "Bearer <access_token>"}   a user's token, from
#                                                POST /backoffice/v1/users/authenticate
#                                                with {"username", "password"}
#
# Headers are not saved in this browser: a reload forgets them, unless you turn on
# "Persist headers" in the settings (the gear, bottom left). Do not persist a live secret key
# on a shared computer.
#
# Run a query with Ctrl-Enter; the Explorer (left) builds one by clicking.

query FirstContacts {
  contacts(page: 1, size: 5, sort: "last_name", order: ASC) {
    content {
      id
      code
      first_name
      last_name
    }
    paging {
      page
      size
      total
    }
  }
}
"""

# Strawberry's page asks GraphiQL to keep the headers in localStorage; ours lets the user choose
# in the settings, and remembers that choice (GraphiQL forgets it at each load without the prop).
_STRAWBERRY_PERSIST = "shouldPersistHeaders: true,"
_OUR_PERSIST = (
    "shouldPersistHeaders:\n"
    '            localStorage.getItem("graphiql:shouldPersistHeaders") === "true" || undefined,\n'
    "          storage: gatewayStorage,"
)

# GraphiQL 3.8's history ("graphiql:queries", "graphiql:favorites") keeps each run's headers
# whatever the setting: this storage drops them unless the user turned persisting on. Headers
# that Strawberry's page persisted (it turned persisting on for everyone) are forgotten once.
_GRAPHIQL_COMPONENT = "function GraphiQLWithExplorer() {"
_STORAGE_SCRIPT = """function withoutHeaders(text) {
        const stored = JSON.parse(text);
        for (const items of Object.values(stored)) {
          if (Array.isArray(items)) for (const item of items) delete item.headers;
        }
        return JSON.stringify(stored);
      }

      // Strawberry's page persisted headers without asking: forget them once per browser.
      if (localStorage.getItem("crm-gateway:graphiql-storage") !== "1") {
        localStorage.removeItem("graphiql:shouldPersistHeaders");
        localStorage.removeItem("graphiql:headers");
        for (const key of ["graphiql:tabState", "graphiql:queries", "graphiql:favorites"]) {
          const text = localStorage.getItem(key);
          try {
            if (text) localStorage.setItem(key, withoutHeaders(text));
          } catch (error) {
            localStorage.removeItem(key);
          }
        }
        localStorage.setItem("crm-gateway:graphiql-storage", "1");
      }

      const gatewayStorage = {
        getItem: (key) => localStorage.getItem(key),
        setItem(key, value) {
          const persist = localStorage.getItem("graphiql:shouldPersistHeaders") === "true";
          if (!persist && (key === "graphiql:queries" || key === "graphiql:favorites")) {
            try {
              value = withoutHeaders(value);
            } catch (error) {
              return;
            }
          }
          localStorage.setItem(key, value);
        },
        removeItem: (key) => localStorage.removeItem(key),
        get length() {
          return Object.keys(localStorage).filter((k) => k.startsWith("graphiql:")).length;
        },
        clear() {
          for (const key of Object.keys(localStorage)) {
            if (key.startsWith("graphiql:")) localStorage.removeItem(key);
          }
        },
      };

      """

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
        html = html.replace(cdn_url, _ASSETS.url(GRAPHIQL_ASSETS_PATH, file_name))
    if _UNPKG in html:
        leftovers = sorted(set(re.findall(rf"{re.escape(_UNPKG)}[^\"'\s>]*", html)))
        raise RuntimeError(
            "Strawberry's graphiql.html still references unpkg after the offline rewrite "
            f"(did a Strawberry upgrade change its assets?): {', '.join(leftovers)}"
        )
    html = _replace_once(html, _STRAWBERRY_PERSIST, _OUR_PERSIST)
    html = _replace_once(html, _GRAPHIQL_COMPONENT, _STORAGE_SCRIPT + _GRAPHIQL_COMPONENT)
    welcome = re.search(r"const EXAMPLE_QUERY = `.*?`;", html, re.DOTALL)
    if welcome is None:
        raise RuntimeError("Strawberry's graphiql.html has no EXAMPLE_QUERY to replace")
    # A JavaScript template literal: the text may hold no backtick and no "${".
    assert "`" not in WELCOME_TAB and "${" not in WELCOME_TAB
    html = html.replace(welcome.group(0), f"const EXAMPLE_QUERY = `{WELCOME_TAB}`;")
    html = html.replace("<title>Strawberry GraphiQL</title>", "<title>CRM gateway GraphiQL</title>")
    return html


def _replace_once(html: str, old: str, new: str) -> str:
    """``html`` with its one ``old`` replaced; a RuntimeError when Strawberry's page changed."""
    if html.count(old) != 1:
        raise RuntimeError(f"Strawberry's graphiql.html changed: expected {old!r} once")
    return html.replace(old, new)


def graphiql_assets_app() -> CachedStaticFiles:
    """Return an ASGI app serving the vendored GraphiQL files, to mount at GRAPHIQL_ASSETS_PATH."""
    return _ASSETS
