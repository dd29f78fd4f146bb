"""Turning a request's credentials (``api_key`` header or Bearer token) into a principal."""

import secrets
import time
from collections import OrderedDict
from datetime import timedelta

import jwt
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import CredentialKind, Principal
from app.auth.roles import custom_permissions
from app.auth.secrets import api_key_digest, hash_password, needs_rehash, verify_password
from app.auth.throttle import SignInThrottle
from app.db.base import utcnow
from app.db.engine import Database
from app.db.models import ApiKey, InstanceSecret, Membership, Organisation, User
from app.errors import Forbidden, Unauthenticated

JWT_ALGORITHM = "HS256"
JWT_SECRET_NAME = "jwt_signing_key"
# A token without any of these is refused (401): "exp" bounds its life, "sub" names the user,
# "org" the organisation it acts in.
REQUIRED_CLAIMS = ("exp", "sub", "org")


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
    request; keys cannot be revoked through the API today, and a revocation made in the
    database takes effect within that time.
    """

    KEY_CACHE_SECONDS = 30.0
    KEY_CACHE_SIZE = 10_000

    def __init__(
        self,
        db: Database,
        jwt_secret: str,
        token_ttl_seconds: int,
        throttle: SignInThrottle,
    ) -> None:
        self._db = db
        self._jwt_secret = jwt_secret
        self._token_ttl = token_ttl_seconds
        self._throttle = throttle
        self._known_keys: OrderedDict[str, tuple[float, Principal]] = OrderedDict()

    async def principal_for(
        self, api_key: str | None, authorization: str | None
    ) -> Principal | None:
        """The caller behind the headers; ``None`` when none were sent, 401 when they are invalid.

        ``authorization`` may be ``Bearer <JWT>``, or (as some spec examples send it) a raw API
        key.
        """
        if api_key:
            return await self._principal_for_key(api_key.strip())
        if authorization:
            scheme, _, credential = authorization.strip().partition(" ")
            if scheme.lower() == "bearer" and credential:
                return await self._principal_for_token(credential.strip())
            return await self._principal_for_key(authorization.strip())
        return None

    async def _principal_for_key(self, key: str) -> Principal:
        digest = api_key_digest(key)
        known = self._known_keys.get(digest)
        if known is not None and known[0] > time.monotonic():
            return known[1]
        principal = await self._load_key(digest)
        self._known_keys[digest] = (time.monotonic() + self.KEY_CACHE_SECONDS, principal)
        self._known_keys.move_to_end(digest)
        if len(self._known_keys) > self.KEY_CACHE_SIZE:
            self._known_keys.popitem(last=False)
        return principal

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
        user_id, organisation_id = claims["sub"], claims["org"]
        if not isinstance(user_id, str) or not isinstance(organisation_id, str):
            raise Unauthenticated("The access token is not valid: malformed claims.")
        async with self._db.read() as session:
            row = (
                await session.execute(
                    select(Organisation.path, Membership.role)
                    .join(Membership, Membership.organisation_id == Organisation.id)
                    .where(Organisation.id == organisation_id, Membership.user_id == user_id)
                )
            ).first()
            if row is None:
                raise Unauthenticated(
                    "The access token's user or organisation is no longer available."
                )
            # A custom role costs one more small query; built-in roles none.
            permissions = await custom_permissions(session, row.path, row.role)
        return Principal(
            CredentialKind.USER,
            organisation_id=organisation_id,
            organisation_path=row.path,
            is_test=False,
            user_id=user_id,
            role=row.role,
            custom_permissions=permissions,
        )

    async def sign_in(
        self, email: str, password: str, client_address: str | None = None
    ) -> tuple[str, int]:
        """An access token and its lifetime in seconds for a user's e-mail and password.

        401 when they do not match; the password is checked (against a dummy hash for an
        unknown e-mail) so that both cases take the same work. 429 (:class:`TooManyRequests`)
        once the e-mail or ``client_address`` has too many recent failures
        (:class:`SignInThrottle`). A legacy hash is replaced by an Argon2 one on success.
        """
        email = email.strip().lower()
        self._throttle.check(email, client_address)
        async with self._db.read() as session:
            user = (
                await session.execute(select(User).where(User.email == email))
            ).scalar_one_or_none()
        # An unknown e-mail is checked against a dummy hash: the same work as a wrong password.
        matches = await verify_password(password, user.password_hash if user else None)
        if user is None or not matches:
            self._throttle.record_failure(email, client_address)
            raise Unauthenticated("The e-mail address or the password is not correct.")
        self._throttle.record_success(email)
        if needs_rehash(user.password_hash):
            await self._upgrade_hash(user.id, user.password_hash, password)
        async with self._db.read() as session:
            organisation_id = await _home_organisation(session, user.id)
        return self.issue_token(user.id, organisation_id), self._token_ttl

    async def _upgrade_hash(self, user_id: str, old_hash: str, password: str) -> None:
        """Store a fresh hash of a password just proved, unless the hash changed meanwhile."""
        new_hash = await hash_password(password)
        async with self._db.write() as session:
            await session.execute(
                update(User)
                .where(User.id == user_id, User.password_hash == old_hash)
                .values(password_hash=new_hash)
            )

    def issue_token(self, user_id: str, organisation_id: str) -> str:
        """A signed token naming the user and the organisation it acts in."""
        now = utcnow()
        claims = {
            "sub": user_id,
            "org": organisation_id,
            "iat": now,
            "exp": now + timedelta(seconds=self._token_ttl),
        }
        return jwt.encode(claims, self._jwt_secret, algorithm=JWT_ALGORITHM)


async def _home_organisation(session: AsyncSession, user_id: str) -> str:
    organisation_id = (
        await session.execute(
            select(Membership.organisation_id)
            .where(Membership.user_id == user_id)
            .order_by(Membership.id)
            .limit(1)
        )
    ).scalar_one_or_none()
    if organisation_id is None:
        raise Unauthenticated("This user belongs to no organisation.")
    return organisation_id
