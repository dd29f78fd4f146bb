"""GraphQL types, inputs and root fields of imports (spec: Imports). Field names are the
spec's, so the REST door shows them as they are."""

from datetime import datetime
from typing import Annotated, Any

import strawberry

from app.auth.permissions import Permission
from app.db.models import DataImport
from app.imports.commands import ActOnImport, PreviewImport, SubmitImport
from app.imports.enums import ImportAction, ImportStatus, ImportType
from app.imports.repository import DEFAULT_SORT, SORT_COLUMNS, ImportSearch
from app.pagination import DEFAULT_PAGE_SIZE
from resolvers import imports as resolve
from resolvers.context import Info
from resolvers.inputs import to_command
from schema.common import (
    IdArgument,
    OrderArgument,
    Page,
    PageArgument,
    SizeArgument,
    SortOrder,
    page_request,
    sort_argument,
    to_page,
)
from schema.permissions import needs

ImportSortArgument = Annotated[str | None, sort_argument(SORT_COLUMNS, DEFAULT_SORT)]

strawberry.enum(ImportType, description="What the rows of an imported file become.")
strawberry.enum(
    ImportStatus,
    description="Where an import is: PENDING, IN_PROGRESS, COMPLETED (every row imported) or "
    "FAILED (some rows were refused: see error_file; or the file could not be read).",
)
strawberry.enum(ImportAction, description="REPLAY: re-submit an import with FAILED status.")


@strawberry.type(description="The behavioural options an import was submitted with.")
class ImportOptions:
    exclude_header: bool = strawberry.field(
        description="Whether the first row is a header (excluded from the import)."
    )
    update_data: bool = strawberry.field(description="Whether existing records are updated.")
    auto_generate_config: bool = strawberry.field(
        description="Whether missing attributes are created automatically (as custom fields)."
    )


@strawberry.type(description="A column of the file and the attribute it fills.")
class ImportDataMapping:
    import_key: str = strawberry.field(description="The imported file's column.")
    attribute_key: str = strawberry.field(description="The system attribute it fills.")
    is_custom: bool = strawberry.field(description="Whether the attribute is a custom field.")


@strawberry.type(description="A file an import names.")
class ImportFile:
    id: strawberry.ID = strawberry.field(description="The file identifier (see file(id)).")
    name: str = strawberry.field(description="The file name.")


@strawberry.type(description="What an import did to the records, row by row.")
class ImportResults:
    new: int = strawberry.field(description="Rows that created a record.")
    updated: int = strawberry.field(description="Rows that changed an existing record.")
    unchanged: int = strawberry.field(
        description="Rows whose record exists and was left as it was."
    )
    errors: int = strawberry.field(description="Rows refused (listed in the error file).")
    total: int = strawberry.field(description="Data rows of the file (header excluded).")


@strawberry.type(description="How far the current run of an import has come.")
class ImportProgress:
    processed_rows: int = strawberry.field(description="Rows done in this run.")
    rows_to_process: int = strawberry.field(
        description="Rows this run imports (a replay: the rows that failed)."
    )


@strawberry.type(description="An import of an uploaded file, its options and its outcome.")
class Import:
    id: strawberry.ID = strawberry.field(description="The import identifier.")
    status: ImportStatus = strawberry.field(description="The import's status.")
    type: ImportType = strawberry.field(description="What the rows become.")
    imported_on: datetime = strawberry.field(description="When the import was submitted.")
    finished_on: datetime | None = strawberry.field(description="When its last run ended.")
    failure_reason: str | None = strawberry.field(
        description="Why the whole import failed (the file could not be read), if it did."
    )
    options: ImportOptions = strawberry.field(description="The import's options.")
    data_mapping: list[ImportDataMapping] = strawberry.field(
        description="The mapping of the file's columns to attributes."
    )
    file: ImportFile = strawberry.field(description="The imported file.")
    error_file: ImportFile | None = strawberry.field(
        description="The refused rows with their reasons (a CSV file), when rows were refused."
    )
    processed_results: ImportResults = strawberry.field(description="The counts of rows.")
    progress: ImportProgress = strawberry.field(description="The current run's progress.")

    @classmethod
    def of(cls, row: DataImport) -> "Import":
        """The GraphQL import for an import's row."""
        total = row.total_rows or 0
        error_file = (
            ImportFile(id=strawberry.ID(row.error_file_id), name=row.error_file_name or "")
            if row.error_file_id
            else None
        )
        return cls(
            id=strawberry.ID(row.id),
            status=ImportStatus(row.status),
            type=ImportType(row.type),
            imported_on=row.imported_on,
            finished_on=row.finished_on,
            failure_reason=row.failure_reason,
            options=ImportOptions(
                exclude_header=row.exclude_header,
                update_data=row.update_data,
                auto_generate_config=row.auto_generate_config,
            ),
            data_mapping=[ImportDataMapping(**entry) for entry in row.data_mapping],
            file=ImportFile(id=strawberry.ID(row.file_id), name=row.file_name),
            error_file=error_file,
            processed_results=ImportResults(
                new=row.new_count,
                updated=row.updated_count,
                unchanged=row.unchanged_count,
                errors=row.error_count,
                total=total,
            ),
            progress=ImportProgress(
                processed_rows=row.processed_rows,
                rows_to_process=len(row.rows) if row.rows is not None else total,
            ),
        )


@strawberry.type(description="A column of a previewed file with its first values.")
class ImportPreviewColumn:
    header: str = strawberry.field(
        description="The column's header (Column N when the file has no header row)."
    )
    values: list[str] = strawberry.field(description="The column's first values.")


@strawberry.type(description="The first rows of a file, by column.")
class ImportPreview:
    content: list[ImportPreviewColumn] = strawberry.field(description="The columns.")


@strawberry.input(description="A column of the file and the attribute it fills.")
class ImportDataMappingInput:
    import_key: str = strawberry.field(
        description="The imported file's column: its header, or its number (from 1) when the "
        "file has no header row."
    )
    attribute_key: str = strawberry.field(
        description="The system attribute (or, with is_custom, the custom field key) it fills."
    )
    is_custom: bool | None = strawberry.field(
        default=False, description="Whether the attribute is a custom field."
    )


@strawberry.input(description="Which file to preview and how.")
class ImportPreviewInput:
    file_id: strawberry.ID | None = strawberry.field(
        default=None, description="The file (identifier) that will be previewed."
    )
    preview_rows: int | None = strawberry.field(
        default=None,
        description="The number of rows previewed, header excluded (1-100, default 5).",
    )
    exclude_header: bool | None = strawberry.field(
        default=None, description="Whether the first row is a header row (default true)."
    )
    data_mapping: list[ImportDataMappingInput] | None = strawberry.field(
        default=None, description="Preview only these columns, in this order."
    )


@strawberry.input(description="A request to import an uploaded file.")
class SubmitImportInput:
    file_id: strawberry.ID = strawberry.field(
        description="The file (identifier) that will be used for importing data."
    )
    type: ImportType = strawberry.field(description="The type of the entity imported.")
    exclude_header: bool | None = strawberry.field(
        default=True, description="Whether the header row is excluded from the import."
    )
    update_data: bool | None = strawberry.field(
        default=False, description="Whether existing records are updated."
    )
    auto_generate_config: bool | None = strawberry.field(
        default=False,
        description="Whether missing attributes are created automatically (as custom fields; "
        "without a mapping, the mapping is generated from the header row).",
    )
    data_mapping: list[ImportDataMappingInput] | None = strawberry.field(
        default=None, description="The mapping of the file's columns to attributes."
    )


@strawberry.input(description="An action on an import.")
class ImportActionInput:
    action: ImportAction = strawberry.field(description="The action.")


def _imported_on(relation: str) -> datetime | None:
    return strawberry.field(default=None, description=f"Only imports submitted {relation} it.")


@strawberry.input(description="Which imports to return: those matching every field given.")
class ImportFilter:
    status: ImportStatus | None = strawberry.field(
        default=None, description="Only imports of this status."
    )
    type: ImportType | None = strawberry.field(
        default=None, description="Only imports of this record type."
    )
    imported_on_gte: datetime | None = _imported_on("at or after")
    imported_on_gt: datetime | None = _imported_on("after")
    imported_on_lt: datetime | None = _imported_on("before")
    imported_on_lte: datetime | None = _imported_on("at or before")

    def search(self) -> ImportSearch:
        """The repository search this filter asks for."""
        return ImportSearch(
            status=self.status.value if self.status else None,
            type=self.type.value if self.type else None,
            imported_on_gte=self.imported_on_gte,
            imported_on_gt=self.imported_on_gt,
            imported_on_lt=self.imported_on_lt,
            imported_on_lte=self.imported_on_lte,
        )


def _preview_fields(given: ImportPreviewInput | None, loose: dict[str, Any]) -> dict[str, Any]:
    """The preview's fields: the input's, with the loose arguments (the REST door's query
    parameters) filling those it leaves out."""
    fields: dict[str, Any] = {}
    if given is not None:
        for name in ("file_id", "preview_rows", "exclude_header"):
            if getattr(given, name) is not None:
                fields[name] = getattr(given, name)
        if given.data_mapping is not None:
            fields["data_mapping"] = [
                {
                    "import_key": entry.import_key,
                    "attribute_key": entry.attribute_key,
                    "is_custom": bool(entry.is_custom),
                }
                for entry in given.data_mapping
            ]
    for name, value in loose.items():
        if value is not None:
            fields.setdefault(name, value)
    return fields


@strawberry.type
class Query:
    @strawberry.field(
        name="import",
        description="Get an import: its options, status, progress and counts.",
        extensions=needs(Permission.IMPORTS_READ),
    )
    async def import_(self, info: Info, id: IdArgument) -> Import:
        return Import.of(await resolve.data_import(info, id))

    @strawberry.field(
        description="Search for imports of the caller's network.",
        extensions=needs(Permission.IMPORTS_READ),
    )
    async def imports(
        self,
        info: Info,
        filter_by: Annotated[
            ImportFilter | None,
            strawberry.argument(name="filter", description="Only imports matching it."),
        ] = None,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: ImportSortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[Import]:
        search = (filter_by or ImportFilter()).search()
        result = await resolve.imports(info, page_request(page, size, sort, order), search)
        return to_page(result, Import.of)

    @strawberry.field(
        description="Preview the content of a file that will be imported.",
        extensions=needs(Permission.IMPORTS_READ),
    )
    async def import_preview(
        self,
        info: Info,
        input: Annotated[
            ImportPreviewInput | None, strawberry.argument(description="What to preview.")
        ] = None,
        file_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The file, when input does not name it."),
        ] = None,
        preview_rows: Annotated[
            int | None,
            strawberry.argument(description="The number of rows, when input does not say."),
        ] = None,
        exclude_header: Annotated[
            bool | None,
            strawberry.argument(
                description="Whether there is a header row, when input does not say."
            ),
        ] = None,
    ) -> ImportPreview:
        loose = {"file_id": file_id, "preview_rows": preview_rows, "exclude_header": exclude_header}
        command = PreviewImport.parse(_preview_fields(input, loose))
        columns = await resolve.preview(info, command)
        return ImportPreview(content=[ImportPreviewColumn(**column) for column in columns])


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Submit a request for importing an uploaded file along with processing "
        "options; the rows are imported in the background (see import(id)).",
        extensions=needs(Permission.IMPORTS_WRITE),
    )
    async def submit_import(self, info: Info, input: SubmitImportInput) -> Import:
        command = to_command(input, SubmitImport)
        return Import.of(await resolve.submit_import(info, command))

    @strawberry.mutation(
        description="Apply an action on an existing import (REPLAY a FAILED one).",
        extensions=needs(Permission.IMPORTS_WRITE),
    )
    async def import_action(self, info: Info, id: IdArgument, input: ImportActionInput) -> Import:
        command = to_command(input, ActOnImport)
        return Import.of(await resolve.act_on_import(info, id, command))
