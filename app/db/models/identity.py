"""Who may call the gateway: users, their memberships, API keys and instance secrets."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime, created_on_column, id_column


class User(Base):
    """A person who signs in with e-mail and password."""

    __tablename__ = "users"

    id: Mapped[str] = id_column()
    email: Mapped[str] = mapped_column(String(320), nullable=False, unique=True)
    password_hash: Mapped[str] = mapped_column(String(300), nullable=False)
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    created_on: Mapped[datetime] = created_on_column()


class Membership(Base):
    """A user's role in one organisation."""

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
    created_on: Mapped[datetime] = created_on_column()


class InstanceSecret(Base):
    """A secret generated once for this installation (for instance the JWT signing key)."""

    __tablename__ = "instance_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), nullable=False)
