"""Static assets (GraphiQL's, the API docs'): content-hashed URLs, long cache lifetimes, ETags
and gzip compressed once per process.

Pages link an asset through :meth:`CachedStaticFiles.url`, which appends ``?v=<content hash>``.
A request carrying the file's current hash is answered with
``Cache-Control: public, max-age=31536000, immutable`` (a new file has a new URL); any other
request for the file (no ``v``, an old one) with ``public, max-age=0, must-revalidate``, so the
browser revalidates with the ``ETag``. Text assets (scripts, styles, JSON, SVG) are gzipped once,
in a worker thread, on first demand, kept in memory and sent with ``Content-Encoding: gzip`` to
clients that accept it (its own strong ``ETag``; ``If-None-Match`` answers 304).
"""

import gzip
import hashlib
import os
from functools import cache
from pathlib import Path

import anyio.to_thread
from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=0, must-revalidate"
COMPRESSIBLE_SUFFIXES = frozenset({".js", ".css", ".json", ".svg", ".html", ".map", ".txt"})
#: Smaller files are sent as they are.
COMPRESS_MIN_BYTES = 1024


@cache
def _content_hash(path: str, mtime_ns: int, size: int) -> str:
    """The first 16 hex digits of the file's SHA-256 (keyed by mtime and size, so an edited
    file gets a new hash without a restart)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


@cache
def _gzipped(path: str, mtime_ns: int, size: int) -> bytes:
    """The file gzipped at level 9 (once per file version and process)."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=9, mtime=0)


class CachedStaticFiles(StaticFiles):
    """Starlette's :class:`StaticFiles` for one directory, with cache lifetimes, content hashes
    and precompressed text assets (see the module's docstring)."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory)
        self._root = directory

    def url(self, mount_path: str, name: str) -> str:
        """The URL of the asset ``name`` mounted at ``mount_path``, with its content hash
        (``/graphql/assets/graphiql.min.js?v=3f2a...``). Raises ``FileNotFoundError`` for a
        file that is not there."""
        file = self._root / name
        stat_result = file.stat()
        digest = _content_hash(str(file), stat_result.st_mtime_ns, stat_result.st_size)
        return f"{mount_path}/{name}?v={digest}"

    async def get_response(self, path: str, scope: Scope) -> Response:
        """Starlette's response for the file, with ``Cache-Control`` and, where the client
        accepts it, the gzipped body."""
        response = await super().get_response(path, scope)
        if not isinstance(response, FileResponse | NotModifiedResponse):
            return response
        full_path = str(self._root / path)
        try:
            stat_result = os.stat(full_path)
        except OSError:
            return response
        key = (full_path, stat_result.st_mtime_ns, stat_result.st_size)
        digest = _content_hash(*key)
        given = dict(
            part.split("=", 1)
            for part in scope.get("query_string", b"").decode().split("&")
            if "=" in part
        ).get("v")
        cache_control = IMMUTABLE if given == digest else REVALIDATE
        request_headers = Headers(scope=scope)
        if (
            "gzip" in request_headers.get("accept-encoding", "")
            and Path(full_path).suffix in COMPRESSIBLE_SUFFIXES
            and stat_result.st_size >= COMPRESS_MIN_BYTES
        ):
            etag = f'"{digest}-gzip"'
            headers = {
                "Cache-Control": cache_control,
                "ETag": etag,
                "Vary": "Accept-Encoding",
            }
            if etag in [
                t.strip().removeprefix("W/")
                for t in request_headers.get("if-none-match", "").split(",")
            ]:
                return Response(status_code=304, headers=headers)
            body = await anyio.to_thread.run_sync(_gzipped, *key)
            media_type = (
                response.media_type
                if isinstance(response, FileResponse)
                else _media_type(full_path)
            )
            return Response(
                body,
                media_type=media_type,
                headers={**headers, "Content-Encoding": "gzip"},
            )
        response.headers["Cache-Control"] = cache_control
        response.headers["Vary"] = "Accept-Encoding"
        return response


def _media_type(path: str) -> str:
    """The media type Starlette would serve ``path`` with."""
    return FileResponse(path).media_type or "application/octet-stream"
