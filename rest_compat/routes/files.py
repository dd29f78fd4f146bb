"""File routes (spec: Files, routes 47-49). The content itself is served by an expiring signed
link (``content_url``), outside the route table (``app/files/content.py``)."""

from rest_compat.route import RestRoute, identifier

SECTION = "Files"
UPLOAD_NOTES = (
    "The body is multipart/form-data with the file in the part 'file' (the spec's example"
    ' shows {"file": "file object"}). The file is checked before anything is stored:'
    " larger than CRM_GATEWAY_MAX_UPLOAD_BYTES (default 10 MB) is a 413; empty, of a content"
    " type not in CRM_GATEWAY_UPLOAD_CONTENT_TYPES (default: CSV, plain text, JSON, PDF,"
    " images, office documents), or whose content is not of its declared type, a 400 naming"
    " file. The content type is the part's own, or the file name's when the part declares none.",
    "The answer's id is what an import (POST /imports, file_id) or another module refers to.",
)

ROUTES = [
    RestRoute(
        method="POST",
        path="/upload/files",
        section=SECTION,
        summary="Create an upload signature for files",
        document="""mutation ($file: Upload!) { upload_file(file: $file) { id } }""",
        upload="file",
        shape=identifier,
        notes=UPLOAD_NOTES,
    ),
    RestRoute(
        method="DELETE",
        path="/files/{id}",
        section=SECTION,
        summary="Delete an existing file",
        document="""mutation ($id: ID!) { delete_file(id: $id) { id } }""",
        shape=identifier,
        notes=("The file's content is removed from the gateway's disk with its record.",),
    ),
    RestRoute(
        method="GET",
        path="/files/{id}",
        section=SECTION,
        summary="Retrieve a specific file",
        document="""query ($id: ID!) { file(id: $id) { id content_url mime } }""",
        notes=(
            "content_url is an absolute URL of this gateway that serves the content (with its"
            " Content-Type, as an attachment under its name) without an API key: a signed link"
            " that expires after CRM_GATEWAY_FILE_LINK_TTL_SECONDS (default 900). A changed link"
            " is a 403, an expired one a 410 (retrieve the file again for a fresh link).",
            "mime is the file's media type (text/csv, image/png ...), where the spec's example"
            " shows an extension (txt).",
        ),
    ),
]
