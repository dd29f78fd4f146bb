"""The typed per-request context every resolver receives."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeAlias, TypeVar

from starlette.requests import HTTPConnection
from strawberry.types import Info as StrawberryInfo

from app.auth.authenticate import Authenticator
from app.auth.principal import Principal, require_any_key, require_backoffice
from app.db.engine import Database
from app.errors import Unauthenticated
from app.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from resolvers.loaders import Loaders

P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class Context:
    """Settings, database, the caller and fresh dataloaders for one GraphQL operation.

    ``connection`` is the HTTP request or websocket the operation came on (``None`` for an
    operation run without one); what operations read of it is derived from it on first use
    (:attr:`request_headers`, :attr:`client_address`, :attr:`base_url`), since most operations
    read none of it.
    """

    settings: Settings
    db: Database
    authenticator: Authenticator
    principal: Principal | None
    loaders: "Loaders"
    connection: HTTPConnection | None = None
    connection_params: dict[str, Any] | None = None
    """A websocket's ``connection_init`` payload (Strawberry sets it; ``None`` over HTTP)."""
    credentials: tuple[str | None, str | None] = (None, None)
    """The API key and the ``Authorization`` value ``principal`` was authenticated with."""

    @cached_property
    def request_headers(self) -> dict[str, str]:
        """The request's headers by lower-case name (operations read a few: ``Idempotency-Key``);
        empty without a connection."""
        if self.connection is None:
            return {}
        return {name.lower(): value for name, value in self.connection.headers.items()}

    @cached_property
    def client_address(self) -> str | None:
        """The peer's IP address as the ASGI server reports it (behind a proxy, run uvicorn
        with ``--proxy-headers`` and ``--forwarded-allow-ips`` so that it is the client's)."""
        client = self.connection.client if self.connection is not None else None
        return client.host if client else None

    @cached_property
    def base_url(self) -> str | None:
        """The URL the request came to (``scheme://host[:port]/``), for the absolute links an
        answer holds."""
        return str(self.connection.base_url) if self.connection is not None else None

    async def check_still_authenticated(self) -> None:
        """Authenticate ``credentials`` again, as a new request would; a subscription does
        before each update, so that a revoked key, an expired token, a removed membership or a
        changed role ends it (raises :class:`~app.errors.Unauthenticated` or
        :class:`~app.errors.Forbidden`). A key revoked through another process is refused
        within ``Authenticator.KEY_CACHE_SECONDS``."""
        principal = await self.authenticator.principal_for(*self.credentials)
        if principal != self.principal:
            raise Unauthenticated("The caller's access changed; authenticate and subscribe again.")

    def backoffice(self) -> Principal:
        """The caller, if it may use the Back-Office API (401 / 403 otherwise)."""
        return require_backoffice(self.principal)

    def any_key(self) -> Principal:
        """The caller, for operations public keys may perform too."""
        return require_any_key(self.principal)

    @asynccontextmanager
    async def read(self) -> AsyncIterator["AsyncSession"]:
        """A read session of this resolver's own (sibling resolvers run concurrently, so they
        never share one)."""
        async with self.db.read() as session:
            yield session

    async def reads(
        self,
        service_fn: Callable[Concatenate["AsyncSession", Principal, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """``service_fn(session, caller, *args, **kwargs)`` in a read session of its own, for a
        Back-Office caller (401 / 403 otherwise): a resolver that only reads through a service
        is this one line."""
        principal = self.backoffice()
        async with self.read() as session:
            return await service_fn(session, principal, *args, **kwargs)

    async def writes(
        self,
        service_fn: Callable[Concatenate["AsyncSession", Principal, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """``service_fn(session, caller, *args, **kwargs)`` in the mutation's write session
        (:meth:`write`: committed on success, loaders cleared), for a Back-Office caller: a
        mutation resolver that only calls a service is this one line."""
        principal = self.backoffice()
        async with self.write() as session:
            return await service_fn(session, principal, *args, **kwargs)

    async def writes_on_driver(
        self,
        service_fn: Callable[Concatenate[Database, Principal, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """``service_fn(db, caller, *args, **kwargs)`` for a Back-Office caller, for a service
        that runs its own statements (``Database.driver_statements``); this request's
        dataloaders are cleared afterwards, as after :meth:`write`."""
        principal = self.backoffice()
        try:
            return await service_fn(self.db, principal, *args, **kwargs)
        finally:
            self.loaders.clear_all()

    @asynccontextmanager
    async def write(self) -> AsyncIterator["AsyncSession"]:
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
