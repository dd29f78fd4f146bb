"""Who may do what inside an organisation: custom roles, and teams of users.

Roles and teams belong to an organisation and are shared by live and test mode, like its
users and the network (a test-mode key may read them but not change them).
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, created_on_column, id_column


class Role(Base):
    """A custom role of an organisation: a code memberships name, and its permission codes.

    The built-in roles (OWNER, ADMIN, READ_ONLY) have no row (``app.auth.permissions``).
    """

    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)

    id: Mapped[str] = id_column()
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id"), index=True, nullable=False
    )
    code: Mapped[str] = mapped_column(String(32), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    permissions: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    created_on: Mapped[datetime] = created_on_column()


class Team(Base):
    """A named group of users of one organisation (activities and automations assign to it)."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[str] = id_column()
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id"), index=True, nullable=False
    )
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    created_on: Mapped[datetime] = created_on_column()


class TeamMember(Base):
    """A user's place in a team; the user is a member of the team's organisation."""

    __tablename__ = "team_members"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[str] = id_column()
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"), index=True, nullable=False)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    created_on: Mapped[datetime] = created_on_column()
