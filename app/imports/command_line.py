"""``crm-gateway import FILE --type contacts``: an import run by the operator in this process.

The file is stored and the import submitted exactly as through the API (the same checks),
acting as the organisation named (default: the first BUSINESS) with a live secret key's
rights, or in test mode with ``test``. The import is claimed by this process at once (so a
running gateway's worker leaves it alone while the lease lasts) and carried out here, telling
``progress`` after each batch.
"""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import anyio

from app.db.base import utcnow
from app.db.engine import Database
from app.db.models import DataImport
from app.files.service import Upload, upload_file
from app.files.uploads import UploadRules
from app.imports import repository
from app.imports.commands import SubmitImport
from app.imports.enums import ImportStatus
from app.imports.runner import LEASE_SECONDS, Progress, process_import
from app.imports.service import submit_import
from app.settings import Settings
from app.tenancy import organisation_principal


@dataclass(frozen=True)
class ImportRequest:
    """What the operator asked for: the file, the type, and the import's options."""

    path: Path
    type: str
    organisation_id: str | None = None
    test_mode: bool = False
    exclude_header: bool = True
    update_data: bool = False
    mapping: tuple[tuple[str, str, bool], ...] = ()


async def run_import(
    db: Database, settings: Settings, request: ImportRequest, progress: Progress | None = None
) -> DataImport:
    """Store the file, submit the import, carry it out here; the finished import's row."""
    data = await anyio.Path(request.path).read_bytes()
    async with db.write() as session:
        organisation = await repository.operator_organisation_unscoped(
            session, request.organisation_id
        )
        principal = organisation_principal(organisation, request.test_mode)
        rules = UploadRules(settings.max_upload_bytes, tuple(settings.upload_content_types))
        upload = Upload(request.path.name, None, data)
        stored = await upload_file(session, principal, settings.files_path, rules, upload)
        command = SubmitImport.parse(
            {
                "file_id": stored.id,
                "type": request.type.upper(),
                "exclude_header": request.exclude_header,
                "update_data": request.update_data,
                "auto_generate_config": not request.mapping,
                "data_mapping": [
                    {"import_key": column, "attribute_key": attribute, "is_custom": custom}
                    for column, attribute, custom in request.mapping
                ],
            }
        )
        data_import = await submit_import(session, principal, command)
        data_import.status = ImportStatus.IN_PROGRESS
        data_import.locked_until = utcnow() + timedelta(seconds=LEASE_SECONDS)
        data_import.attempts = 1
        import_id = data_import.id
    await process_import(db, import_id, progress)
    async with db.read() as session:
        return await repository.get_import(session, principal, import_id)
