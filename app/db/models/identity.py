"""Who may call the gateway: users, their memberships, API keys and instance secrets."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime, created_on_column, id_column


class User(Base):
    """A person who signs in with a username (the spec's term; an e-mail address by default) or
    e-mail address, and a password."""

    __tablename__ = "users"
    # Unique by an index (migration 0005 adds it without rebuilding the table on SQLite).
    __table_args__ = (Index("ix_users_username", "username", unique=True),)

    id: Mapped[str] = id_column()
    email: Mapped[str] = mapped_column(String(320), nullable=False, unique=True)
    username: Mapped[str] = mapped_column(String(320), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(300), nullable=False)
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    created_on: Mapped[datetime] = created_on_column()


class Membership(Base):
    """A user's role in one organisation: ``role`` is a role code (``OWNER``, ``ADMIN``,
    ``READ_ONLY`` or a custom role's code)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id"), index=True, nullable=False
    )
    role: Mapped[str] = mapped_column(String(32), nullable=False, default="OWNER")


class ApiKey(Base):
    """An API key bound to one organisation and one mode; only its SHA-256 digest is stored."""

    __tablename__ = "api_keys"

    id: Mapped[str] = id_column()
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id"), index=True, nullable=False
    )
    key_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    key_prefix: Mapped[str] = mapped_column(String(16), nullable=False)
    is_public: Mapped[bool] = mapped_column(Boolean, nullable=False)
    is_test: Mapped[bool] = mapped_column(Boolean, nullable=False)
    revoked_on: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Written at most once per ``Authenticator.LAST_USED_RESOLUTION_SECONDS`` per key and process.
    last_used_on: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_on: Mapped[datetime] = created_on_column()


class RefreshToken(Base):
    """A refresh token, stored as its SHA-256 digest; it is exchanged once (``used_on`` set).

    It renews the access token it was issued with: the same user, acting in ``organisation_id``
    after signing in to (or switching to) ``home_organisation_id``.
    """

    __tablename__ = "refresh_tokens"

    id: Mapped[str] = id_column()
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    home_organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id"), nullable=False
    )
    expires_on: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    used_on: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_on: Mapped[datetime] = created_on_column()


class UserInvitation(Base):
    """An invitation to join an organisation with a role, accepted once with its token (stored
    as its SHA-256 digest) before ``expires_on``.

    ``email`` is the invitee's address when known (the acceptor gives one otherwise);
    ``first_name`` / ``last_name`` prefill the user created on acceptance.
    """

    __tablename__ = "user_invitations"

    id: Mapped[str] = id_column()
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id"), index=True, nullable=False
    )
    role: Mapped[str] = mapped_column(String(32), nullable=False)
    email: Mapped[str | None] = mapped_column(String(320))
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    invited_by_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    expires_on: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    accepted_on: Mapped[datetime | None] = mapped_column(UtcDateTime())
    accepted_by_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_on: Mapped[datetime] = created_on_column()


class InstanceSecret(Base):
    """A secret generated once for this installation (for instance the JWT signing key)."""

    __tablename__ = "instance_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), nullable=False)
