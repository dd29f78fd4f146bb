"""Import routes (spec: Imports, routes 75-78)."""

from rest_compat.route import PAGING, RestRoute, identifier
from schema.imports import (
    ImportFile,
    ImportOptions,
    ImportPreviewColumn,
    ImportProgress,
    ImportResults,
)
from schema.selections import leaf_fields

SECTION = "Imports"
IMPORT_FIELDS = f"""
    id status type imported_on
    options {{ {leaf_fields(ImportOptions)} }}
    file {{ {leaf_fields(ImportFile)} }}
    error_file {{ {leaf_fields(ImportFile)} }}
    processed_results {{ {leaf_fields(ImportResults)} }}
    progress {{ {leaf_fields(ImportProgress)} }}
    failure_reason finished_on
"""
IMPORTED_ON_BOUNDS = {
    f"imported_on[{op}]": f"imported_on_{op}" for op in ("gte", "gt", "lt", "lte")
}
LIST_QUERY = {
    "status": "status",
    "type": "type",
    **IMPORTED_ON_BOUNDS,
    **{name: name for name in ("page", "size", "sort", "order")},
}
MAPPING_NOTES = (
    "data_mapping[] pairs a column of the file (import_key: its header, ignoring case, or its"
    " number from 1 when exclude_header is false) with an attribute (attribute_key). CONTACTS:"
    " contact_type (PERSON when left out, COMPANY when only company_name is given), code,"
    " first_name, last_name, company_name, email_address, phone_number. ORGANISATIONS (created"
    " directly below the caller's organisation; live mode only): name, org_type (MERCHANT when"
    " left out), description. is_custom true fills the custom field of that key.",
    "auto_generate_config true: an attribute_key that is not an attribute becomes a custom"
    " field (false: a 400 naming it); without data_mapping, the mapping is generated from the"
    " header row (a column named like an attribute fills it, e.g. 'First Name' -> first_name;"
    " the others become custom fields).",
)

ROUTES = [
    RestRoute(
        method="GET",
        path="/imports/preview",
        section=SECTION,
        summary="Preview the content of a file that will be imported",
        document=f"""query ($body: ImportPreviewInput!, $file_id: ID, $preview_rows: Int,
                $exclude_header: Boolean) {{
            import_preview(input: $body, file_id: $file_id, preview_rows: $preview_rows,
                    exclude_header: $exclude_header) {{
                content {{ {leaf_fields(ImportPreviewColumn)} }}
            }}
        }}""",
        query={
            "file_id": "file_id",
            "preview_rows": "preview_rows",
            "exclude_header": "exclude_header",
        },
        body="body",
        example_body={"file_id": "f56f9cd8-9cb2-bbe6-d4d9-ae14bb1f0399", "preview_rows": 2},
        notes=(
            "The spec's example sends a JSON body with this GET: the body is read, and so are"
            " the query parameters file_id, preview_rows and exclude_header (the body wins when"
            " both give a field).",
            "preview_rows (1-100, default 5) excludes the header row; exclude_header (default"
            " true) says whether the first row is a header. Without a header row the columns"
            " are named Column 1, Column 2 ... With data_mapping only the mapped columns are"
            " shown, in its order.",
            "The file is read as UTF-8 CSV; the delimiter is the one of , ; tab | that the"
            " first line uses most.",
        ),
    ),
    RestRoute(
        method="POST",
        path="/imports",
        section=SECTION,
        summary="Submit a request for importing data along with processing options",
        document="""mutation ($body: SubmitImportInput!) {
            submit_import(input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={
            "file_id": "1e347d4d-ab96-6957-fdb6-35e72b3d9185",
            "type": "CONTACTS",
            "exclude_header": True,
            "update_data": "false",
            "auto_generate_config": True,
            "data_mapping": [
                {
                    "import_key": "contact first name",
                    "attribute_key": "first_name",
                    "is_custom": "false",
                }
            ],
        },
        notes=(
            "The file and the mapping are checked when the import is submitted (404 naming the"
            " file, 400 naming the data_mapping entry); the rows are imported in the background:"
            " follow status and progress with GET /imports.",
            "A row that breaks a rule (the same rules as POST /contacts or POST"
            " /organisations/{id}/...) is refused alone, never half written; the others are"
            " imported. The refused rows, with their reasons, are in error_file (a file: GET"
            " /files/{id} gives its content_url), and the import ends FAILED; otherwise"
            " COMPLETED.",
            "An existing record (a contact with the row's code, else e-mail address, in the"
            " caller's organisation; an organisation below it of the row's name) counts as"
            " unchanged unless update_data is true; then it is updated, and counted updated"
            " when something changed. Custom fields of a row are merged into the record's.",
            "The caller needs IMPORTS_WRITE and the write permission of the type"
            " (CONTACTS_WRITE, ORGANISATIONS_WRITE).",
            *MAPPING_NOTES,
        ),
    ),
    RestRoute(
        method="GET",
        path="/imports",
        section=SECTION,
        summary="Search for import data definitions",
        document=f"""query ($status: ImportStatus, $type: ImportType,
                $imported_on_gte: DateTime, $imported_on_gt: DateTime,
                $imported_on_lt: DateTime, $imported_on_lte: DateTime,
                $page: Int = 1, $size: Int = 20, $sort: String, $order: SortOrder = DESC) {{
            imports(filter: {{status: $status, type: $type,
                    imported_on_gte: $imported_on_gte, imported_on_gt: $imported_on_gt,
                    imported_on_lt: $imported_on_lt, imported_on_lte: $imported_on_lte}},
                page: $page, size: $size, sort: $sort, order: $order) {{
                content {{ {IMPORT_FIELDS} }} {PAGING}
            }}
        }}""",
        query=LIST_QUERY,
        notes=(
            "status: PENDING, IN_PROGRESS, COMPLETED or FAILED; type: CONTACTS or ORGANISATIONS.",
            "imported_on[gte], imported_on[gt], imported_on[lt] and imported_on[lte] (epoch"
            " seconds or ISO 8601) bound the submission date.",
            "progress (processed_rows of rows_to_process), failure_reason (why the whole import"
            " failed, e.g. its file was deleted) and finished_on are the gateway's additions.",
            "sort: imported_on (default), status or type; order DESC (default) or ASC.",
        ),
    ),
    RestRoute(
        method="POST",
        path="/imports/{id}/actions",
        section=SECTION,
        summary="Apply an action on an existing import definition",
        document="""mutation ($id: ID!, $body: ImportActionInput!) {
            import_action(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={"action": "REPLAY"},
        notes=(
            "REPLAY re-submits a FAILED import (a COMPLETED one is a 409; one PENDING or"
            " IN_PROGRESS is left as it is, so a repeated REPLAY is harmless): it imports again the"
            " rows that were refused (the whole file when the file could not be read); the"
            " records made before stay counted, the errors are counted afresh and the error"
            " file is replaced.",
        ),
    ),
]
