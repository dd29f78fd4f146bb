"""Gateway settings, read from ``CRM_GATEWAY_*`` environment variables and an optional ``.env``."""

import json
from functools import cache
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SQLITE_URL = "sqlite+aiosqlite:///./var/crm-gateway.sqlite3"


class Settings(BaseSettings):
    """Everything an operator can configure; each field maps to ``CRM_GATEWAY_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="CRM_GATEWAY_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_SQLITE_URL,
        description="SQLAlchemy URL; postgresql:// URLs use asyncpg, sqlite:// ones aiosqlite.",
    )
    database_pool_size: int = Field(default=10, description="Connections kept per process.")
    database_max_overflow: int = Field(
        default=0,
        ge=0,
        description=(
            "Connections a process may open beyond the pool under a peak, each closed when it "
            "is returned; 0 (the default) makes the pool size the number of connections."
        ),
    )
    database_wait_seconds: float = Field(
        default=60,
        description=(
            "How long `serve` waits for an unreachable database at start-up, retrying with "
            "backoff, before it gives up (exit status 1)."
        ),
    )
    jwt_secret: str | None = Field(
        default=None,
        description=(
            "HMAC secret for user tokens; if unset, one is generated once and kept in the database."
        ),
    )
    jwt_ttl_seconds: int = Field(default=3600, description="Lifetime of a user access token.")
    refresh_token_ttl_seconds: int = Field(
        default=14 * 24 * 3600,
        description="Lifetime of a refresh token (each is exchanged once for a new pair).",
    )
    sign_in_max_failures: int = Field(
        default=10,
        description=(
            "Failed sign-ins allowed per e-mail and per client address within the window; the "
            "next attempt is refused with a 429 (counted per process)."
        ),
    )
    sign_in_failure_window_seconds: int = Field(
        default=300, description="The window, in seconds, in which failed sign-ins are counted."
    )
    max_query_depth: int = Field(default=12, description="Deepest GraphQL selection accepted.")
    max_query_tokens: int = Field(default=5000, description="Most tokens in one GraphQL document.")
    max_query_bytes: int = Field(
        default=65_536,
        description=(
            "Longest GraphQL document, in bytes of UTF-8, checked before it is parsed (the token "
            "limit counts tokens, however long each one is)."
        ),
    )
    max_aliases: int = Field(default=30, description="Most aliases in one GraphQL document.")
    max_query_fields: int = Field(
        default=5000,
        description="Most fields in one GraphQL document once its fragments are expanded.",
    )
    max_query_cost: int = Field(
        default=50_000,
        description=(
            "Most objects one GraphQL operation may answer: page sizes (a list's `size`, the "
            "largest page for a variable, else the default page size) multiplied down the tree."
        ),
    )
    introspection: Literal["authenticated", "always", "never"] = Field(
        default="authenticated",
        description="Who may introspect the GraphQL schema (`__schema`, `__type`).",
    )
    max_page_size: int = Field(default=100, description="Largest page a list returns.")
    max_body_bytes: int = Field(
        default=1_048_576,
        description="Largest request body accepted, in bytes; a larger one is refused with 413.",
    )
    graphiql: bool = Field(default=True, description="Serve GraphiQL at GET /graphql.")
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="Lowest level of the log lines written (`serve`)."
    )
    log_format: Literal["json", "console"] = Field(
        default="json",
        description="`json`: one JSON object a line; `console`: readable lines for development.",
    )
    access_log: bool = Field(
        default=True,
        description=(
            "Write one log line per request (`crm_gateway.access`); off, requests are still "
            "counted and timed in the metrics."
        ),
    )
    metrics: bool = Field(default=True, description="Serve Prometheus metrics at GET /metrics.")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default=[],
        description=(
            "Origins (scheme://host[:port]) whose pages may call the gateway from a browser "
            "(CORS), as a JSON list or comma-separated; `*` allows any origin. Default: none "
            "(no CORS headers at all)."
        ),
    )
    cors_allow_credentials: bool = Field(
        default=False,
        description=(
            "Let browsers send cookies and HTTP authentication with cross-origin requests "
            "(`Access-Control-Allow-Credentials`); the gateway itself reads headers only."
        ),
    )
    compress_min_bytes: int = Field(
        default=1400,
        description=(
            "Responses at least this large are gzip-compressed for clients that accept it "
            "(smaller ones go out as they are); 0 turns compression off."
        ),
    )
    persisted_queries_path: str = Field(
        default="./var/persisted-queries.json",
        description=(
            "The registered GraphQL documents (`crm-gateway register-persisted-queries` writes "
            "it; a JSON object of sha256 hex digest -> document)."
        ),
    )
    persisted_only: bool = Field(
        default=False,
        description=(
            "Allow-list mode: run only the registered documents (by hash, or by a document "
            "whose hash is registered); any other document is refused with a 400."
        ),
    )
    apq_cache_size: int = Field(
        default=1000,
        description=(
            "Automatic Persisted Queries remembered per process (least recently used go first)."
        ),
    )
    compiled_reads: bool = Field(
        default=True,
        description="Answer plain reads with one SQL statement that builds the JSON.",
    )
    worker: Literal["inline", "off"] = Field(
        default="inline",
        description=(
            "Background work (webhook deliveries, automations, imports, scheduled reports): "
            "'inline' runs the worker in each gateway process, 'off' leaves it to "
            "'crm-gateway worker' processes."
        ),
    )
    event_retention_days: int = Field(
        default=90,
        ge=0,
        description=(
            "Days a dispatched domain event is kept unless an automation run refers to it "
            "(0: for ever)."
        ),
    )
    worker_max_poll_seconds: float = Field(
        default=5.0,
        description=(
            "Longest pause, in seconds, between two looks for due work while idle (work queued "
            "in the same process wakes the worker at once)."
        ),
    )
    webhook_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description=(
            "Longest wait, in seconds, for a webhook receiver to answer one delivery attempt "
            "(connecting included); a slower one counts as a failed attempt."
        ),
    )

    files_path: str = Field(
        default="./var/files",
        description="Folder where uploaded files (and import error files) are stored.",
    )
    max_upload_bytes: int = Field(
        default=10_485_760,
        description="Largest uploaded file accepted, in bytes; a larger one is refused with 413.",
    )
    upload_content_types: Annotated[list[str], NoDecode] = Field(
        default=[
            "text/csv",
            "text/plain",
            "application/json",
            "application/pdf",
            "application/vnd.ms-excel",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/msword",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "image/*",
        ],
        description=(
            "Content types an uploaded file may have (JSON list or comma-separated; `type/*` "
            "allows a whole family); another is refused with 400."
        ),
    )
    file_link_ttl_seconds: int = Field(
        default=900,
        description="How long a file's signed content_url stays valid, in seconds.",
    )
    public_url: str | None = Field(
        default=None,
        description=(
            "The gateway's external base URL (scheme://host[:port]) for the links it hands out "
            "(a file's content_url); default: the URL the request came to."
        ),
    )
    cloudinary_cloud_name: str | None = Field(
        default=None,
        description=(
            "The Cloudinary cloud (product environment) media are uploaded to; with the API key "
            "and secret it lets POST /upload/media sign uploads (unset: a 503 naming it)."
        ),
    )
    cloudinary_api_key: str | None = Field(
        default=None, description="The Cloudinary API key given to uploading clients."
    )
    cloudinary_api_secret: SecretStr | None = Field(
        default=None,
        description=(
            "The Cloudinary API secret that signs uploads; never shown in a response or a log."
        ),
    )
    cloudinary_signature_algorithm: Literal["sha1", "sha256"] = Field(
        default="sha1",
        description=(
            "The digest of upload signatures: sha1 (Cloudinary's default) or sha256 (for a "
            "product environment set to SHA-256 signatures)."
        ),
    )

    insight_exports_dir: str = Field(
        default="./var/insight-exports",
        description=(
            "The folder where insight exports (CSV files) are written; they are downloaded "
            "through GET /backoffice/v1/insight_exports/{id}/file."
        ),
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> object:
        """``CRM_GATEWAY_CORS_ORIGINS`` as a JSON list or comma-separated origins; an origin's
        trailing ``/`` is dropped (browsers send none)."""
        if isinstance(value, str):
            text = value.strip()
            value = json.loads(text) if text.startswith("[") else text.split(",")
        if isinstance(value, list):
            return [str(v).strip().rstrip("/") for v in value if str(v).strip()]
        return value

    @field_validator("upload_content_types", mode="before")
    @classmethod
    def _content_types(cls, value: object) -> object:
        """``CRM_GATEWAY_UPLOAD_CONTENT_TYPES`` as a JSON list or comma-separated types."""
        if isinstance(value, str):
            text = value.strip()
            value = json.loads(text) if text.startswith("[") else text.split(",")
        if isinstance(value, list):
            return [str(v).strip().lower() for v in value if str(v).strip()]
        return value


@cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
