"""Generating and hashing API keys and passwords."""

import hashlib
import hmac
import secrets

SECRET_KEY_PREFIX = {False: "sk_live_", True: "sk_test_"}
PUBLIC_KEY_PREFIX = {False: "pk_live_", True: "pk_test_"}
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def new_api_key(*, is_public: bool, is_test: bool) -> str:
    """A fresh random API key whose prefix tells its kind and mode."""
    prefix = (PUBLIC_KEY_PREFIX if is_public else SECRET_KEY_PREFIX)[is_test]
    return prefix + secrets.token_urlsafe(32)


def api_key_digest(key: str) -> str:
    """The stored form of an API key: keys are long and random, so one SHA-256 is enough."""
    return hashlib.sha256(key.encode()).hexdigest()


def hash_password(password: str) -> str:
    """A salted scrypt hash of a password, with its parameters."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a hash made by :func:`hash_password`."""
    scheme, salt_hex, digest_hex = stored.split("$")
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt_hex), **_SCRYPT)
    return hmac.compare_digest(digest.hex(), digest_hex)


def new_password() -> str:
    """A random password for a bootstrapped owner."""
    return secrets.token_urlsafe(18)
