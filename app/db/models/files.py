"""Uploaded files: their metadata here, their content in the files folder."""

from datetime import datetime

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, created_on_column, id_column
from app.db.models.tenancy import TenantOwned


class StoredFile(TenantOwned, Base):
    """A file uploaded by a caller (or written by the gateway, such as an import's error file).

    ``storage_path`` is where the content is on the gateway's disk (absolute, so that a file
    stays readable when the configured folder changes later); ``mime`` the content type it was
    uploaded with; ``size_bytes`` its length.
    """

    __tablename__ = "files"
    __table_args__ = (Index("ix_files_tenant_created", "organisation_id", "is_test", "created_on"),)

    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    mime: Mapped[str] = mapped_column(String(127), nullable=False)
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False)
    storage_path: Mapped[str] = mapped_column(String(1024), nullable=False)
    created_on: Mapped[datetime] = created_on_column()
