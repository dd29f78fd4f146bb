"""Turning a request's credentials (``api_key`` header, Bearer or raw token) into a principal,
and issuing user tokens (sign-in, refresh, switch, masquerade)."""

import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import jwt
from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import CredentialKind, Principal
from app.auth.roles import custom_permissions
from app.auth.secrets import api_key_digest, hash_password, needs_rehash, verify_password
from app.auth.throttle import SignInThrottle
from app.db.base import utcnow
from app.db.engine import Database
from app.db.models import ApiKey, InstanceSecret, Membership, Organisation, RefreshToken, User
from app.errors import Forbidden, Unauthenticated

JWT_ALGORITHM = "HS256"
JWT_SECRET_NAME = "jwt_signing_key"
# A token without any of these is refused (401): "exp" bounds its life, "sub" names the user,
# "org" the organisation it acts in, "role" the role of the membership it was issued for. The
# optional "home" names the organisation signed in (or switched) to when "org" is one below it
# reached by masquerading.
REQUIRED_CLAIMS = ("exp", "sub", "org", "role")
API_KEY_PREFIXES = ("sk_", "pk_")
REFRESH_TOKEN_PREFIX = "rt_"
DEFAULT_REFRESH_TTL_SECONDS = 14 * 24 * 3600


def looks_like_token(credential: str) -> bool:
    """Whether an ``authorization`` value without ``Bearer`` is a JWT rather than an API key: it
    has two dots and its header decodes as a JWT's (keys start ``sk_``/``pk_`` and have no dot)."""
    if credential.startswith(API_KEY_PREFIXES) or credential.count(".") != 2:
        return False
    try:
        jwt.get_unverified_header(credential)
    except jwt.PyJWTError:
        return False
    return True


@dataclass(frozen=True)
class TokenPair:
    """What a sign-in, refresh, switch or masquerade answers: an access token (a JWT, valid for
    ``expires_in`` seconds) and a refresh token exchanged once for a new pair."""

    access_token: str
    refresh_token: str
    expires_in: int


@dataclass
class _KnownKey:
    expires_at: float  # Authenticator.clock() after which the key is checked in the database again
    principal: Principal
    touched_at: float  # Authenticator.clock() of this process's last write of last_used_on


async def ensure_jwt_secret(db: Database, configured: str | None) -> str:
    """The JWT signing key: the configured one, else one generated once and kept in the database."""
    if configured:
        return configured
    async with db.write() as session:
        stored = await session.get(InstanceSecret, JWT_SECRET_NAME)
        if stored is None:
            stored = InstanceSecret(name=JWT_SECRET_NAME, value=secrets.token_urlsafe(48))
            session.add(stored)
        return stored.value


class Authenticator:
    """Checks credentials against the database and issues user tokens.

    Failed sign-ins are limited by ``throttle`` (per process). Valid API keys are remembered
    for ``KEY_CACHE_SECONDS`` so that a busy client does not cost a database round trip per
    request: a key revoked through this process (:meth:`forget_key`) is refused at once, a key
    revoked through another process within ``KEY_CACHE_SECONDS``. A key's ``last_used_on`` is
    written at most once per ``LAST_USED_RESOLUTION_SECONDS`` per key and process.

    User tokens are checked on every request against the membership they were issued for: a
    removed membership, a changed role, or (after a masquerade) an organisation no longer below
    the one signed in to makes the token a 401.
    """

    KEY_CACHE_SECONDS = 30.0
    KEY_CACHE_SIZE = 10_000
    LAST_USED_RESOLUTION_SECONDS = 60.0

    def __init__(
        self,
        db: Database,
        jwt_secret: str,
        token_ttl_seconds: int,
        throttle: SignInThrottle,
        refresh_ttl_seconds: int = DEFAULT_REFRESH_TTL_SECONDS,
    ) -> None:
        self._db = db
        self._jwt_secret = jwt_secret
        self._token_ttl = token_ttl_seconds
        self._refresh_ttl = refresh_ttl_seconds
        self._throttle = throttle
        self._known_keys: OrderedDict[str, _KnownKey] = OrderedDict()
        self.clock: Callable[[], float] = time.monotonic
        """The key cache's clock, in seconds (the tests move it on)."""

    @property
    def instance_secret(self) -> str:
        """The instance secret that signs tokens; other signatures (file links) derive keys of
        their own from it."""
        return self._jwt_secret

    async def principal_for(
        self, api_key: str | None, authorization: str | None
    ) -> Principal | None:
        """The caller behind the headers; ``None`` when none were sent, 401 when they are invalid.

        ``authorization`` may be ``Bearer <JWT>``, a raw JWT (as CRM.COM's client libraries send
        it), or (as some spec examples send it) a raw API key. With a token and an API key both,
        the key must be valid and belong to the organisation the token acts in or was signed in
        to (else 401); the request acts as the user, in the key's mode.
        """
        key = api_key.strip() if api_key else None
        token = None
        if authorization and authorization.strip():
            value = authorization.strip()
            scheme, _, credential = value.partition(" ")
            if scheme.lower() == "bearer" and credential.strip():
                token = credential.strip()
            elif looks_like_token(value):
                token = value
            elif key is None:
                key = value
        if token is None:
            return None if key is None else await self._principal_for_key(key)
        user = await self._principal_for_token(token)
        if key is None:
            return user
        key_principal = await self._principal_for_key(key)
        if key_principal.organisation_id not in (user.organisation_id, user.home_organisation_id):
            raise Unauthenticated(
                "The API key and the access token belong to different organisations."
            )
        return replace(user, is_test=key_principal.is_test)

    @property
    def throttle(self) -> SignInThrottle:
        """The limit of failed password checks (sign-ins, invitations accepted by a user)."""
        return self._throttle

    def forget_key(self, key_hash: str) -> None:
        """Drop a key from this process's cache (after its revocation)."""
        self._known_keys.pop(key_hash, None)

    async def _principal_for_key(self, key: str) -> Principal:
        digest = api_key_digest(key)
        now = self.clock()
        known = self._known_keys.get(digest)
        if known is None or known.expires_at <= now:
            principal = await self._load_key(digest)
            touched_at = known.touched_at if known else -self.LAST_USED_RESOLUTION_SECONDS
            known = _KnownKey(now + self.KEY_CACHE_SECONDS, principal, touched_at)
            self._known_keys[digest] = known
            self._known_keys.move_to_end(digest)
            if len(self._known_keys) > self.KEY_CACHE_SIZE:
                self._known_keys.popitem(last=False)
        if now - known.touched_at >= self.LAST_USED_RESOLUTION_SECONDS:
            known.touched_at = now
            async with self._db.write() as session:
                await session.execute(
                    update(ApiKey).where(ApiKey.key_hash == digest).values(last_used_on=utcnow())
                )
        return known.principal

    async def _load_key(self, digest: str) -> Principal:
        async with self._db.read() as session:
            row = (
                await session.execute(
                    select(
                        ApiKey.is_public,
                        ApiKey.is_test,
                        Organisation.id,
                        Organisation.path,
                        Organisation.test_mode,
                    )
                    .join(Organisation, Organisation.id == ApiKey.organisation_id)
                    .where(ApiKey.key_hash == digest, ApiKey.revoked_on.is_(None))
                )
            ).first()
        if row is None:
            raise Unauthenticated("The API key is not valid.")
        if row.test_mode and not row.is_test:
            # Not remembered: once live mode is on (organisation action MODE) the key works.
            raise Forbidden(
                "This organisation uses test mode only: use a test key, or turn live mode on "
                '(POST /organisations/{id}/actions {"action": "MODE"}).',
                ["test_mode"],
            )
        kind = CredentialKind.PUBLIC_KEY if row.is_public else CredentialKind.SECRET_KEY
        return Principal(
            kind, organisation_id=row.id, organisation_path=row.path, is_test=row.is_test
        )

    async def _principal_for_token(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._jwt_secret,
                algorithms=[JWT_ALGORITHM],
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"The access token is not valid: {exc}.") from exc
        user_id, organisation_id, role = claims["sub"], claims["org"], claims["role"]
        home_id = claims.get("home", organisation_id)
        if not all(isinstance(claim, str) for claim in (user_id, organisation_id, role, home_id)):
            raise Unauthenticated("The access token is not valid: malformed claims.")
        async with self._db.read() as session:
            row = await _acting_membership(session, user_id, organisation_id, home_id)
            if row is None:
                raise Unauthenticated(
                    "The access token's user or organisation is no longer available."
                )
            if row.role != role:
                raise Unauthenticated("The user's role has changed since the token was issued.")
            # A custom role costs one more small query; built-in roles none.
            permissions = await custom_permissions(session, row.path, row.role)
        return Principal(
            CredentialKind.USER,
            organisation_id=organisation_id,
            organisation_path=row.path,
            is_test=False,
            user_id=user_id,
            role=role,
            home_organisation_id=home_id,
            custom_permissions=permissions,
        )

    async def sign_in(
        self, login: str, password: str, client_address: str | None = None
    ) -> TokenPair:
        """A token pair for a user's username (or e-mail address) and password, acting in the
        organisation the user joined first.

        401 when they do not match; the password is checked (against a dummy hash for an
        unknown login) so that both cases take the same work. 429 (:class:`TooManyRequests`)
        once the login or ``client_address`` has too many recent failures
        (:class:`SignInThrottle`). A legacy hash is replaced by an Argon2 one on success.
        """
        login = login.strip().lower()
        self._throttle.check(login, client_address)
        async with self._db.read() as session:
            user = (
                await session.execute(
                    select(User)
                    .where(or_(User.username == login, User.email == login))
                    # A login that is one user's username and another's e-mail names the first.
                    .order_by(case((User.username == login, 0), else_=1))
                    .limit(1)
                )
            ).scalar_one_or_none()
        # Failures count against the user, whichever of its logins (username or e-mail) was
        # given, so that alternating them gains no attempts.
        identity = f"user:{user.id}" if user is not None else login
        if user is not None:
            self._throttle.check(identity, client_address)
        # An unknown login is checked against a dummy hash: the same work as a wrong password.
        matches = await verify_password(password, user.password_hash if user else None)
        if user is None or not matches:
            self._throttle.record_failure(identity, client_address)
            raise Unauthenticated("The username or the password is not correct.")
        self._throttle.record_success(identity)
        if needs_rehash(user.password_hash):
            await self._upgrade_hash(user.id, user.password_hash, password)
        async with self._db.write() as session:
            organisation_id, role = await _home_membership(session, user.id)
            return await self.issue_pair(session, user.id, organisation_id, role)

    async def _upgrade_hash(self, user_id: str, old_hash: str, password: str) -> None:
        """Store a fresh hash of a password just proved, unless the hash changed meanwhile."""
        new_hash = await hash_password(password)
        async with self._db.write() as session:
            await session.execute(
                update(User)
                .where(User.id == user_id, User.password_hash == old_hash)
                .values(password_hash=new_hash)
            )

    async def refresh(self, refresh_token: str) -> TokenPair:
        """A new token pair for a refresh token, which is used up (401 when it is unknown,
        expired or used already, or its membership is gone). The new pair acts where the old
        one did, with the role the membership has now."""
        digest = api_key_digest(refresh_token.strip())
        now = utcnow()
        async with self._db.write() as session:
            stored = (
                await session.execute(
                    select(RefreshToken).where(
                        RefreshToken.token_hash == digest,
                        RefreshToken.used_on.is_(None),
                        RefreshToken.expires_on > now,
                    )
                )
            ).scalar_one_or_none()
            used = None
            if stored is not None:
                # Conditional: of two concurrent exchanges of one token, only one changes the row.
                used = await session.execute(
                    update(RefreshToken)
                    .where(RefreshToken.id == stored.id, RefreshToken.used_on.is_(None))
                    .values(used_on=now)
                )
            if stored is None or used is None or getattr(used, "rowcount", 0) != 1:
                raise Unauthenticated("The refresh token is not valid, expired or used already.")
            row = await _acting_membership(
                session, stored.user_id, stored.organisation_id, stored.home_organisation_id
            )
            if row is None:
                raise Unauthenticated(
                    "The refresh token's user or organisation is no longer available."
                )
            return await self.issue_pair(
                session,
                stored.user_id,
                stored.organisation_id,
                row.role,
                home_organisation_id=stored.home_organisation_id,
            )

    async def issue_pair(
        self,
        session: AsyncSession,
        user_id: str,
        organisation_id: str,
        role: str,
        *,
        home_organisation_id: str | None = None,
    ) -> TokenPair:
        """An access token and a refresh token (stored in ``session`` as its digest) for a user
        acting in ``organisation_id`` with ``role``."""
        refresh_token = REFRESH_TOKEN_PREFIX + secrets.token_urlsafe(32)
        home = home_organisation_id or organisation_id
        session.add(
            RefreshToken(
                token_hash=api_key_digest(refresh_token),
                user_id=user_id,
                organisation_id=organisation_id,
                home_organisation_id=home,
                expires_on=utcnow() + timedelta(seconds=self._refresh_ttl),
            )
        )
        access_token = self.issue_token(
            user_id, organisation_id, role, home_organisation_id=home_organisation_id
        )
        return TokenPair(access_token, refresh_token, self._token_ttl)

    def issue_token(
        self,
        user_id: str,
        organisation_id: str,
        role: str,
        *,
        home_organisation_id: str | None = None,
    ) -> str:
        """A signed token naming the user, the organisation it acts in, the role of the
        membership it was issued for and (after a masquerade) the organisation signed in to."""
        now = utcnow()
        claims = {
            "sub": user_id,
            "org": organisation_id,
            "role": role,
            "iat": now,
            "exp": now + timedelta(seconds=self._token_ttl),
        }
        if home_organisation_id and home_organisation_id != organisation_id:
            claims["home"] = home_organisation_id
        return jwt.encode(claims, self._jwt_secret, algorithm=JWT_ALGORITHM)


async def _acting_membership(
    session: AsyncSession, user_id: str, organisation_id: str, home_id: str
) -> Any:
    """The acting organisation's ``path`` and the user's ``role`` in ``home_id``, or ``None``
    when the user is not a member of ``home_id`` or ``organisation_id`` is neither ``home_id``
    nor below it."""
    row = (
        await session.execute(
            select(Organisation.path, Membership.role)
            .select_from(Organisation)
            .join(
                Membership,
                and_(Membership.organisation_id == home_id, Membership.user_id == user_id),
            )
            .where(Organisation.id == organisation_id)
        )
    ).first()
    if row is None or (home_id != organisation_id and f"/{home_id}/" not in row.path):
        return None
    return row


async def _home_membership(session: AsyncSession, user_id: str) -> tuple[str, str]:
    """The organisation a user signs in to (the one joined first) and the role there."""
    row = (
        await session.execute(
            select(Membership.organisation_id, Membership.role)
            .where(Membership.user_id == user_id)
            .order_by(Membership.id)
            .limit(1)
        )
    ).first()
    if row is None:
        raise Unauthenticated("This user belongs to no organisation.")
    return row.organisation_id, row.role
