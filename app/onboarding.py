"""Creating the first organisations of an installation (a service owner and, below it, a first
business with its owner), users, and API keys."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.secrets import api_key_digest, hash_password, new_api_key, new_password
from app.db.engine import Database
from app.db.models import ApiKey, Membership, Organisation, User
from app.errors import Conflict, InvalidInput, NotFound
from app.organisations.tree import new_organisation

DEFAULT_OWNER_EMAIL = "owner@example.com"
DEFAULT_BUSINESS_NAME = "My Business"
SERVICE_OWNER_NAME = "Service Owner"
# The role code of an organisation's owner (Membership.role).
OWNER_ROLE = "OWNER"


@dataclass(frozen=True)
class BootstrapResult:
    """The service owner (the operator of the installation: its public key registers
    businesses), the first business below it, and their credentials, shown once."""

    service_owner_id: str
    service_owner_public_api_key: str
    service_owner_secret_api_key: str
    organisation_id: str
    organisation_name: str
    secret_api_key: str
    test_secret_api_key: str
    public_api_key: str
    owner_email: str
    owner_password: str


async def issue_api_key(
    session: AsyncSession, organisation_id: str, *, is_public: bool, is_test: bool
) -> str:
    """Create an API key for an organisation and return it; only its digest is stored."""
    _row, key = add_api_key(session, organisation_id, is_public=is_public, is_test=is_test)
    return key


def add_api_key(
    session: AsyncSession, organisation_id: str, *, is_public: bool, is_test: bool
) -> tuple[ApiKey, str]:
    """A new API key's row (its digest and first 12 characters) added to ``session``, and the
    key itself, which is not stored."""
    key = new_api_key(is_public=is_public, is_test=is_test)
    row = ApiKey(
        organisation_id=organisation_id,
        key_hash=api_key_digest(key),
        key_prefix=key[:12],
        is_public=is_public,
        is_test=is_test,
    )
    session.add(row)
    return row, key


async def add_owner(
    session: AsyncSession,
    organisation_id: str,
    email: str,
    password: str,
    first_name: str | None = None,
    last_name: str | None = None,
    *,
    email_field: str = "email",
) -> User:
    """Create a new user and make it the owner of an organisation.

    An existing user is never attached: a taken e-mail address is a 409 (:class:`Conflict`)
    naming ``email_field``, raised before anything is written (and the caller's transaction
    rolls back whatever it wrote before).
    """
    user = await add_user(
        session,
        email,
        password,
        first_name,
        last_name,
        email_field=email_field,
        taken="the owner must be a new user",
    )
    session.add(Membership(user_id=user.id, organisation_id=organisation_id, role=OWNER_ROLE))
    return user


async def add_user(
    session: AsyncSession,
    email: str,
    password: str,
    first_name: str | None = None,
    last_name: str | None = None,
    *,
    username: str | None = None,
    email_field: str = "email",
    username_field: str = "username",
    taken: str = "choose another one",
) -> User:
    """Create a user (no membership). ``username`` defaults to the e-mail address; both are kept
    trimmed and lower-case.

    A taken e-mail address or username is a 409 (:class:`Conflict`) naming ``email_field`` or
    ``username_field`` (``taken`` completes the message), raised before anything is written.
    """
    email = email.strip().lower()
    username = (username or email).strip().lower()
    if await _exists(session, User.email, email):
        raise Conflict(f"A user with this e-mail address exists already; {taken}.", [email_field])
    if await _exists(session, User.username, username):
        raise Conflict(f"A user with this username exists already; {taken}.", [username_field])
    user = User(
        email=email,
        username=username,
        password_hash=await hash_password(password),
        first_name=first_name,
        last_name=last_name,
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError:
        # Another request took the same e-mail address or username since the checks above; the
        # caller's transaction rolls back as the error leaves it.
        raise Conflict(
            f"A user with this e-mail address or username exists already; {taken}.",
            [email_field],
        ) from None
    return user


async def _exists(session: AsyncSession, column: Any, value: str) -> bool:
    found = await session.execute(select(User.id).where(column == value))
    return found.first() is not None


async def bootstrap(
    db: Database, name: str = DEFAULT_BUSINESS_NAME, owner_email: str = DEFAULT_OWNER_EMAIL
) -> BootstrapResult | None:
    """Create the network of an empty installation: a SERVICE_OWNER (root) with a live public
    and secret key, and below it a BUSINESS named ``name`` with its owner (``owner_email``, a
    generated password) and keys. ``None`` (nothing created) if an organisation exists already.

    400 (:class:`InvalidInput`) naming ``name`` or ``owner_email`` when one is empty or too long,
    or the e-mail address has no ``@``.
    """
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("name", "give a name of 1 to 200 characters")
    owner_email = owner_email.strip()
    if "@" not in owner_email or len(owner_email) > 320:
        raise InvalidInput("owner_email", "is not an e-mail address")
    async with db.write() as session:
        existing = (await session.execute(select(func.count(Organisation.id)))).scalar_one()
        if existing:
            return None
        service_owner = new_organisation(None, org_type="SERVICE_OWNER", name=SERVICE_OWNER_NAME)
        session.add(service_owner)
        await session.flush()
        organisation = new_organisation(
            service_owner, org_type="BUSINESS", name=name, is_business=True
        )
        session.add(organisation)
        await session.flush()
        password = new_password()
        owner = await add_owner(session, organisation.id, owner_email, password, "Owner", None)
        return BootstrapResult(
            service_owner_id=service_owner.id,
            service_owner_public_api_key=await issue_api_key(
                session, service_owner.id, is_public=True, is_test=False
            ),
            service_owner_secret_api_key=await issue_api_key(
                session, service_owner.id, is_public=False, is_test=False
            ),
            organisation_id=organisation.id,
            organisation_name=organisation.name,
            secret_api_key=await issue_api_key(
                session, organisation.id, is_public=False, is_test=False
            ),
            test_secret_api_key=await issue_api_key(
                session, organisation.id, is_public=False, is_test=True
            ),
            public_api_key=await issue_api_key(
                session, organisation.id, is_public=True, is_test=False
            ),
            owner_email=owner.email,
            owner_password=password,
        )


async def create_api_key(
    db: Database, organisation_id: str, *, is_public: bool, is_test: bool
) -> str:
    """A new key for an existing organisation (404 if there is no such organisation)."""
    async with db.write() as session:
        if await session.get(Organisation, organisation_id) is None:
            raise NotFound("organisation", organisation_id)
        return await issue_api_key(session, organisation_id, is_public=is_public, is_test=is_test)
