"""Persisted GraphQL documents: Automatic Persisted Queries (APQ) as Apollo clients send them,
and the optional allow-list of registered documents.

APQ (Apollo's protocol): a client sends ``extensions.persistedQuery`` = ``{"version": 1,
"sha256Hash": <hex SHA-256 of the document text>}`` without ``query``. When the gateway knows the
hash it runs that document; otherwise it answers ``PersistedQueryNotFound``
(``extensions.code`` ``PERSISTED_QUERY_NOT_FOUND``, HTTP 200) and the client sends the hash with
the document, which the gateway checks, remembers (per process, least recently used first out,
``CRM_GATEWAY_APQ_CACHE_SIZE``) and runs. Requests are then hash-only: small, and over ``GET``
cacheable by URL.

Registered documents (``crm-gateway register-persisted-queries FOLDER`` writes them to
``CRM_GATEWAY_PERSISTED_QUERIES_PATH``, a JSON object of hash -> document) are always known. With
``CRM_GATEWAY_PERSISTED_ONLY=true`` they are the only documents that run: a hash or a document
that is not registered is refused with a 400 ``PERSISTED_QUERY_NOT_ALLOWED``, and APQ learns
nothing new.

The document text a hash resolves to is the same string each time, so after its first run the
schema's parser and validation caches answer for it (no parsing or validation again).
"""

import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.errors import GatewayError
from app.settings import Settings

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def document_hash(document: str) -> str:
    """The hex SHA-256 of a document's UTF-8 text: the ``sha256Hash`` Apollo clients send."""
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


class PersistedQueryError(GatewayError):
    """A refusal of the persisted-query protocol; ``extensions.code`` is Apollo's code."""

    apollo_code = "PERSISTED_QUERY_ERROR"

    @property
    def code(self) -> str:
        """Apollo's code, which Apollo clients match on."""
        return self.apollo_code


class PersistedQueryNotFound(PersistedQueryError):
    """The hash is not known here: the client should send it again with the document. HTTP 200,
    as Apollo Server answers it (the client reads the body)."""

    status = 200
    error = "CRM.EXCEPTIONS.PERSISTEDQUERYNOTFOUNDEXCEPTION"
    apollo_code = "PERSISTED_QUERY_NOT_FOUND"
    default_message = "PersistedQueryNotFound"


class PersistedQueryNotAllowed(PersistedQueryError):
    """Allow-list mode and a document (or hash) that is not registered."""

    status = 400
    error = "CRM.EXCEPTIONS.PERSISTEDQUERYNOTALLOWEDEXCEPTION"
    apollo_code = "PERSISTED_QUERY_NOT_ALLOWED"
    default_message = (
        "This gateway runs registered documents only (CRM_GATEWAY_PERSISTED_ONLY) and this one "
        "is not registered; register it with 'crm-gateway register-persisted-queries'."
    )


class PersistedQueryInvalid(PersistedQueryError):
    """``extensions.persistedQuery`` is malformed, or its hash is not the document's."""

    status = 400
    error = "CRM.EXCEPTIONS.INVALIDVALUEEXCEPTION"
    apollo_code = "BAD_REQUEST"

    def __init__(self, field: str, message: str) -> None:
        name = ".".join(("extensions.persistedQuery", *([field] if field else [])))
        super().__init__(f"{name}: {message}", [name])


def read_registered(path: Path) -> dict[str, str]:
    """The registered documents in ``path`` (hash -> document); none when there is no file.
    Raises ``ValueError`` naming the file for a file that is not such an object or whose hashes
    are not its documents'."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and document_hash(v) == k for k, v in data.items()
    ):
        raise ValueError(f"{path}: not a JSON object of sha256 hex digest -> document")
    return data


def write_registered(path: Path, documents: Mapping[str, str]) -> None:
    """Write the registered documents to ``path`` (through a temporary file, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(dict(sorted(documents.items())), indent=1) + "\n")
    temporary.replace(path)


class PersistedQueries:
    """Resolves the document of a request from its ``query`` and ``extensions``."""

    def __init__(
        self, registered: Mapping[str, str], *, persisted_only: bool, cache_size: int
    ) -> None:
        self.registered = dict(registered)
        self.persisted_only = persisted_only
        self.cache_size = cache_size
        self._learned: OrderedDict[str, str] = OrderedDict()

    @classmethod
    def from_settings(cls, settings: Settings) -> "PersistedQueries":
        """The store of the settings' registered documents file and mode."""
        return cls(
            read_registered(Path(settings.persisted_queries_path)),
            persisted_only=settings.persisted_only,
            cache_size=settings.apq_cache_size,
        )

    def resolve(self, query: Any, extensions: Any) -> Any:
        """The document to run: ``query`` itself, or the one ``extensions.persistedQuery``
        names. Raises :class:`PersistedQueryNotFound`, :class:`PersistedQueryNotAllowed` or
        :class:`PersistedQueryInvalid`. Values of other types go through unchanged (the
        GraphQL view refuses them)."""
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        if persisted is None:
            if (
                self.persisted_only
                and isinstance(query, str)
                and document_hash(query) not in self.registered
            ):
                raise PersistedQueryNotAllowed()
            return query
        digest = self._hash_of(persisted)
        if not isinstance(query, str):
            known = self.registered.get(digest)
            if known is not None:
                return known
            if self.persisted_only:
                raise PersistedQueryNotAllowed()
            learned = self._learned.get(digest)
            if learned is None:
                raise PersistedQueryNotFound()
            self._learned.move_to_end(digest)
            return learned
        if document_hash(query) != digest:
            raise PersistedQueryInvalid("sha256Hash", "is not the SHA-256 of the query sent")
        if digest not in self.registered:
            if self.persisted_only:
                raise PersistedQueryNotAllowed()
            self._learn(digest, query)
        return query

    @staticmethod
    def _hash_of(persisted: Any) -> str:
        if not isinstance(persisted, dict):
            raise PersistedQueryInvalid("", "must be an object")
        if persisted.get("version", 1) != 1:
            raise PersistedQueryInvalid("version", "must be 1")
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or not _SHA256_HEX.fullmatch(digest):
            raise PersistedQueryInvalid("sha256Hash", "must be 64 lower-case hex digits")
        return digest

    def _learn(self, digest: str, query: str) -> None:
        if self.cache_size <= 0:
            return
        self._learned[digest] = query
        self._learned.move_to_end(digest)
        while len(self._learned) > self.cache_size:
            self._learned.popitem(last=False)
