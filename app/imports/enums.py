"""Enumerations of the imports domain (spec: Imports)."""

from enum import StrEnum


class ImportType(StrEnum):
    """What the rows of an imported file become."""

    CONTACTS = "CONTACTS"
    ORGANISATIONS = "ORGANISATIONS"


class ImportStatus(StrEnum):
    """Where an import is: waiting, running, done (every row imported), or FAILED (some rows
    were refused, or the file could not be read)."""

    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class ImportAction(StrEnum):
    """What may be done to an import: REPLAY re-submits a FAILED one."""

    REPLAY = "REPLAY"
