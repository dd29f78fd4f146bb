"""The typed per-request context every resolver receives."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info as StrawberryInfo

from app.auth.authenticate import Authenticator
from app.auth.principal import Principal, require_any_key, require_backoffice
from app.db.engine import Database
from app.settings import Settings

if TYPE_CHECKING:
    from resolvers.loaders import Loaders


@dataclass
class Context:
    """Settings, database, the caller and fresh dataloaders for one GraphQL operation.

    ``request_headers`` carries the few headers operations read (``Idempotency-Key``);
    ``client_address`` is the peer's IP address as the ASGI server reports it (behind a proxy,
    run uvicorn with ``--proxy-headers`` and ``--forwarded-allow-ips`` so that it is the
    client's).
    """

    settings: Settings
    db: Database
    authenticator: Authenticator
    principal: Principal | None
    loaders: "Loaders"
    request_headers: dict[str, str] = field(default_factory=dict)
    client_address: str | None = None

    def backoffice(self) -> Principal:
        """The caller, if it may use the Back-Office API (401 / 403 otherwise)."""
        return require_backoffice(self.principal)

    def any_key(self) -> Principal:
        """The caller, for operations public keys may perform too."""
        return require_any_key(self.principal)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """The write session of one mutation: it commits on a clean exit, rolls back on an
        error, and then clears this request's dataloaders.

        Every mutation resolver writes through here (never ``db.write()`` directly), so later
        fields and later mutations of the same document never see rows cached before the write.
        """
        try:
            async with self.db.write() as session:
                yield session
        finally:
            self.loaders.clear_all()


Info: TypeAlias = StrawberryInfo[Context, None]
