"""The SMTP server outbound messages go through (``CRM_GATEWAY_SMTP_*``) and sending one."""

from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiosmtplib
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SmtpSettings(BaseSettings):
    """Where and how to send e-mail; without ``host`` messages are kept in the outbox.

    Read from ``CRM_GATEWAY_SMTP_HOST``, ``_PORT``, ``_USERNAME``, ``_PASSWORD``,
    ``_STARTTLS``, ``_USE_TLS``, ``_FROM_ADDRESS``, ``_TIMEOUT_SECONDS``, ``_MAX_ATTEMPTS``.
    """

    model_config = SettingsConfigDict(
        env_prefix="CRM_GATEWAY_SMTP_", env_file=".env", extra="ignore"
    )

    host: str | None = Field(default=None, description="SMTP server; unset keeps messages.")
    port: int = Field(default=587, description="SMTP port (587 submission, 465 TLS, 25).")
    username: str | None = Field(default=None, description="Login, if the server wants one.")
    password: str | None = Field(default=None, description="Password of the login.")
    starttls: bool = Field(
        default=True, description="Require STARTTLS (plain connections only when false)."
    )
    use_tls: bool = Field(default=False, description="Connect with TLS at once (port 465).")
    from_address: str = Field(
        default="crm-gateway@localhost", description="The From address of every message."
    )
    timeout_seconds: float = Field(default=30, description="Timeout of one SMTP exchange.")
    max_attempts: int = Field(
        default=5, description="Attempts before a message is FAILED (backoff doubles from 30 s)."
    )

    @property
    def configured(self) -> bool:
        """Whether an SMTP server is set (otherwise messages are kept)."""
        return bool(self.host)


def read_smtp_settings() -> SmtpSettings:
    """The SMTP settings as the environment has them now (read at each round of the outbox
    job, so an operator's change is seen without a restart of the worker)."""
    return SmtpSettings()


def build_email(
    settings: SmtpSettings,
    *,
    to: list[str],
    subject: str,
    body_text: str,
    attachments: list[tuple[str, str, bytes]],
    message_id: str,
) -> EmailMessage:
    """The MIME message: text body and ``(filename, content_type, content)`` attachments."""
    email = EmailMessage()
    email["From"] = settings.from_address
    email["To"] = ", ".join(to)
    email["Subject"] = subject
    email["Date"] = formatdate(usegmt=True)
    email["Message-ID"] = make_msgid(idstring=message_id)
    email.set_content(body_text)
    for filename, content_type, content in attachments:
        maintype, _, subtype = content_type.partition("/")
        email.add_attachment(
            content, maintype=maintype, subtype=subtype or "octet-stream", filename=filename
        )
    return email


async def send_email(settings: SmtpSettings, email: EmailMessage) -> str:
    """Send ``email`` through the configured server; what the server answered (``accepted by
    host:port: <its reply>``, with any refused recipients). Raises
    ``aiosmtplib.SMTPException`` or ``OSError`` on failure."""
    errors, reply = await aiosmtplib.send(
        email,
        hostname=settings.host,
        port=settings.port,
        username=settings.username,
        password=settings.password,
        start_tls=settings.starttls and not settings.use_tls,
        use_tls=settings.use_tls,
        timeout=settings.timeout_seconds,
    )
    outcome = f"accepted by {settings.host}:{settings.port}: {reply}"
    if errors:
        refused = ", ".join(f"{address}: {error.message}" for address, error in errors.items())
        outcome += f"; refused {refused}"
    return outcome
