"""Resolvers for imports: previews, submissions, actions, reads."""

from typing import Any

from app.db.models import DataImport
from app.imports import repository, service
from app.imports.commands import ActOnImport, PreviewImport, SubmitImport
from app.imports.repository import ImportSearch
from app.pagination import Page, PageRequest
from resolvers.context import Info


async def preview(info: Info, command: PreviewImport) -> list[dict[str, Any]]:
    """The first rows of an uploaded file, by column."""
    return await info.context.reads(service.preview, command)


async def submit_import(info: Info, command: SubmitImport) -> DataImport:
    """Queue an import."""
    return await info.context.writes(service.submit_import, command)


async def act_on_import(info: Info, id: str, command: ActOnImport) -> DataImport:
    """Apply an action to an import."""
    return await info.context.writes(service.act_on_import, id, command)


async def data_import(info: Info, id: str) -> DataImport:
    """One import."""
    return await info.context.reads(service.get_import, id)


async def imports(info: Info, request: PageRequest, search: ImportSearch) -> Page[DataImport]:
    """A page of imports matching the search."""
    return await info.context.reads(repository.search_imports, request, search)
