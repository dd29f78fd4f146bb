"""Media groups, the media uploaded into them, and the organisations they are linked to."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, created_on_column, id_column
from app.db.models.tenancy import TenantOwned


class MediaGroup(TenantOwned, Base):
    """A group for media uploaded together (spec: POST /media_group); ``external_id`` is the
    identifier uploads name it by (given by the caller or generated), unique per organisation
    and mode."""

    __tablename__ = "media_groups"
    __table_args__ = (
        UniqueConstraint("organisation_id", "is_test", "external_id"),
        Index("ix_media_groups_external_id", "external_id"),
    )

    id: Mapped[str] = id_column()
    external_id: Mapped[str] = mapped_column(String(100), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    created_on: Mapped[datetime] = created_on_column()


class Media(TenantOwned, Base):
    """One media item of a group: recorded when its upload is signed (spec: POST
    /upload/media), with the Cloudinary public id and URL the signature fixes."""

    __tablename__ = "media"

    id: Mapped[str] = id_column()
    media_group_id: Mapped[str] = mapped_column(
        ForeignKey("media_groups.id"), index=True, nullable=False
    )
    usage_type: Mapped[str] = mapped_column(String(16), nullable=False)
    folder: Mapped[str] = mapped_column(String(300), nullable=False)
    tracking_key: Mapped[str] = mapped_column(String(64), nullable=False)
    public_id: Mapped[str] = mapped_column(String(400), nullable=False)
    url: Mapped[str | None] = mapped_column(Text)
    created_on: Mapped[datetime] = created_on_column()


class OrganisationMediaGroup(Base):
    """A media group linked to an organisation (spec: /organisations/{id}/media_groups)."""

    __tablename__ = "organisation_media_groups"
    __table_args__ = (UniqueConstraint("organisation_id", "media_group_id"),)

    id: Mapped[str] = id_column()
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id"), index=True, nullable=False
    )
    media_group_id: Mapped[str] = mapped_column(
        ForeignKey("media_groups.id"), index=True, nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
