"""Creating the first organisation of an installation, its owner, and API keys."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.secrets import api_key_digest, hash_password, new_api_key, new_password
from app.db.engine import Database
from app.db.models import ApiKey, Membership, Organisation, User
from app.errors import Conflict, NotFound
from app.organisations.tree import new_organisation

DEFAULT_OWNER_EMAIL = "owner@example.com"


@dataclass(frozen=True)
class BootstrapResult:
    """The first organisation's id and its credentials, shown once."""

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
    key = new_api_key(is_public=is_public, is_test=is_test)
    session.add(
        ApiKey(
            organisation_id=organisation_id,
            key_hash=api_key_digest(key),
            key_prefix=key[:12],
            is_public=is_public,
            is_test=is_test,
        )
    )
    return key


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
    email = email.strip().lower()
    if await _user_exists(session, email):
        raise _email_taken(email_field)
    user = User(
        email=email,
        password_hash=await hash_password(password),
        first_name=first_name,
        last_name=last_name,
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError:
        # Another request registered the same e-mail address since the check above; the
        # caller's transaction rolls back as the error leaves it.
        raise _email_taken(email_field) from None
    session.add(Membership(user_id=user.id, organisation_id=organisation_id, role="OWNER"))
    return user


async def _user_exists(session: AsyncSession, email: str) -> bool:
    found = await session.execute(select(User.id).where(User.email == email))
    return found.first() is not None


def _email_taken(email_field: str) -> Conflict:
    return Conflict(
        "A user with this e-mail address exists already; the owner must be a new user.",
        [email_field],
    )


async def bootstrap(
    db: Database, name: str = "My Business", owner_email: str = DEFAULT_OWNER_EMAIL
) -> BootstrapResult | None:
    """Create the first organisation with an owner and keys; ``None`` if one exists already."""
    async with db.write() as session:
        existing = (await session.execute(select(func.count(Organisation.id)))).scalar_one()
        if existing:
            return None
        organisation = new_organisation(None, org_type="BUSINESS", name=name, is_business=True)
        session.add(organisation)
        await session.flush()
        password = new_password()
        await add_owner(session, organisation.id, owner_email, password, "Owner", None)
        return BootstrapResult(
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
            owner_email=owner_email,
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
