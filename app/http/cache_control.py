"""``Cache-Control: no-store`` on every response that does not set its own.

API answers hold tenants' data and are fetched with credentials: no browser, proxy or CDN may
keep them. The responses that may be kept say so themselves: static assets
(:mod:`app.http.static`), the GraphiQL page, and successful GraphQL queries over ``GET``
(``app/main.py``).
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

NO_STORE = (b"cache-control", b"no-store")


class DefaultCacheControlMiddleware:
    """Adds ``Cache-Control: no-store`` to a response that names no ``Cache-Control``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_default(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    message["headers"] = [*headers, NO_STORE]
            await send(message)

        await self.app(scope, receive, send_with_default)
