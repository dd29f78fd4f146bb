"""GraphQL types and root fields of files (spec: Files). An upload is a GraphQL multipart
request (https://github.com/jaydenseric/graphql-multipart-request-spec) whose ``file``
variable is the ``Upload``."""

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload

from app.auth.permissions import Permission
from app.db.models import StoredFile
from resolvers import files as resolve
from resolvers.context import Info
from schema.common import IdArgument, Identifier
from schema.permissions import needs


@strawberry.type(description="A file uploaded to the gateway.")
class File:
    id: strawberry.ID = strawberry.field(description="The file identifier.")
    name: str = strawberry.field(description="The file's name as uploaded.")
    mime: str = strawberry.field(description="The file's media type (e.g. text/csv).")
    size: int = strawberry.field(description="The file's size in bytes.")
    created_on: datetime = strawberry.field(description="When the file was uploaded.")

    @strawberry.field(
        description="An absolute URL that serves the content; it expires (a signed link: "
        "retrieve the file again for a fresh one)."
    )
    def content_url(self, info: Info) -> str:
        return resolve.content_url(info.context, self.id)

    @classmethod
    def of(cls, row: StoredFile) -> "File":
        """The GraphQL file for a stored file's row."""
        return cls(
            id=strawberry.ID(row.id),
            name=row.name,
            mime=row.mime,
            size=row.size_bytes,
            created_on=row.created_on,
        )


@strawberry.type
class Query:
    @strawberry.field(
        description="Retrieve a specific file, with a signed link to its content.",
        extensions=needs(Permission.FILES_READ),
    )
    async def file(self, info: Info, id: IdArgument) -> File:
        return File.of(await resolve.file(info, id))


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Upload a file (a GraphQL multipart request); its size and content type "
        "are checked before it is stored.",
        extensions=needs(Permission.FILES_WRITE),
    )
    async def upload_file(
        self,
        info: Info,
        file: Annotated[
            Upload, strawberry.argument(description="The file (a part of the multipart form).")
        ],
    ) -> File:
        return File.of(await resolve.upload_file(info, file))

    @strawberry.mutation(
        description="Delete an existing file: its content and its record.",
        extensions=needs(Permission.FILES_WRITE),
    )
    async def delete_file(self, info: Info, id: IdArgument) -> Identifier:
        return Identifier(id=strawberry.ID(await resolve.delete_file(info, id)))
