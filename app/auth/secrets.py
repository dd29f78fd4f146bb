"""Generating and hashing API keys and passwords.

Passwords are hashed with Argon2id (argon2-cffi) at the OWASP Password Storage Cheat Sheet's
first recommended setting: 19 MiB of memory, 2 iterations, 1 lane (about the memory the former
scrypt hashes used).
Hashes made before that (``scrypt$<salt>$<digest>``) still verify, and :func:`needs_rehash`
tells the caller to replace them. Hashing is CPU-heavy, so the async functions run it in a
worker thread, never on the event loop (DESIGN §8).
"""

import hashlib
import hmac
import secrets
from functools import cache

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

SECRET_KEY_PREFIX = {False: "sk_live_", True: "sk_test_"}
PUBLIC_KEY_PREFIX = {False: "pk_live_", True: "pk_test_"}
_LEGACY_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def new_api_key(*, is_public: bool, is_test: bool) -> str:
    """A fresh random API key whose prefix tells its kind and mode."""
    prefix = (PUBLIC_KEY_PREFIX if is_public else SECRET_KEY_PREFIX)[is_test]
    return prefix + secrets.token_urlsafe(32)


def api_key_digest(key: str) -> str:
    """The stored form of an API key: keys are long and random, so one SHA-256 is enough."""
    return hashlib.sha256(key.encode()).hexdigest()


def token_digest(token: str) -> str:
    """The stored form of a long random token (refresh tokens, invitation tokens): its SHA-256,
    as for API keys."""
    return api_key_digest(token)


def new_token(prefix: str) -> str:
    """A fresh random token (256 bits) whose ``prefix`` tells what it is (``rt_``, ``inv_``)."""
    return prefix + secrets.token_urlsafe(32)


def _hash(password: str) -> str:
    return _HASHER.hash(password)


def _verify(password: str, stored: str) -> bool:
    if stored.startswith("scrypt$"):
        return _verify_legacy_scrypt(password, stored)
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _verify_legacy_scrypt(password: str, stored: str) -> bool:
    """Whether ``password`` matches a ``scrypt$<salt hex>$<digest hex>`` hash of the first
    versions of the gateway."""
    _scheme, salt_hex, digest_hex = stored.split("$")
    digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt_hex), **_LEGACY_SCRYPT)
    return hmac.compare_digest(digest.hex(), digest_hex)


def legacy_scrypt_hash(password: str) -> str:
    """A hash in the old ``scrypt$...`` format (kept for tests of the upgrade path)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_LEGACY_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


@cache
def _dummy_hash() -> str:
    # A hash of a password nobody knows, made with today's parameters, so that checking a
    # password against it costs what checking a real user's password costs.
    return _hash(secrets.token_urlsafe(32))


def _verify_against_dummy(password: str) -> None:
    _verify(password, _dummy_hash())


async def hash_password(password: str) -> str:
    """An Argon2id hash of ``password`` (in PHC format), computed in a worker thread."""
    return await anyio.to_thread.run_sync(_hash, password)


async def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches ``stored`` (Argon2 or legacy scrypt), checked in a worker
    thread.

    With ``stored=None`` (no such user) the password is checked against a dummy hash, so the
    answer (always ``False``) takes the same work as for a real user.
    """
    if stored is None:
        await anyio.to_thread.run_sync(_verify_against_dummy, password)
        return False
    return await anyio.to_thread.run_sync(_verify, password, stored)


def needs_rehash(stored: str) -> bool:
    """Whether a stored hash should be replaced by a fresh one: legacy scrypt hashes, and Argon2
    hashes made with weaker parameters than today's."""
    if stored.startswith("scrypt$"):
        return True
    try:
        return _HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return True


def new_password() -> str:
    """A random password for a bootstrapped owner."""
    return secrets.token_urlsafe(18)
