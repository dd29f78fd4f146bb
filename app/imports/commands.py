"""Commands of the imports domain: previewing a file, submitting an import, acting on one.

``data_mapping`` pairs a column of the file (``import_key``: its header, or its 1-based
number when the file has no header row) with an attribute of the imported entity
(``attribute_key``; with ``is_custom`` a custom field of that key).
"""

from pydantic import Field, field_validator

from app.commands import Command, refuse
from app.imports.enums import ImportAction, ImportType

MAX_PREVIEW_ROWS = 100


def _key(value: str) -> str:
    value = value.strip()
    if not value:
        raise refuse("may not be blank")
    return value


class DataMapping(Command):
    """One column of the file and the attribute it fills."""

    import_key: str
    attribute_key: str
    is_custom: bool = False

    _keys = field_validator("import_key", "attribute_key")(_key)


class PreviewImport(Command):
    """The first rows of an uploaded file, by column (``preview_rows`` excludes the header)."""

    file_id: str
    preview_rows: int = Field(default=5, ge=1, le=MAX_PREVIEW_ROWS)
    exclude_header: bool = True
    data_mapping: list[DataMapping] | None = None


class SubmitImport(Command):
    """An import of an uploaded file with its options (spec: Import Data)."""

    file_id: str
    type: ImportType
    exclude_header: bool = True
    update_data: bool = False
    auto_generate_config: bool = False
    data_mapping: list[DataMapping] | None = None


class ActOnImport(Command):
    """An action on an import."""

    action: ImportAction
