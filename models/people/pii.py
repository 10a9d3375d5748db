"""Personal data at rest: resident ID numbers encrypted, looked up by keyed hash, shown masked.

Resident ID numbers are sensitive personal information (PIPL art. 28). The store keeps, per worker:
- ``id_number_enc``: Fernet ciphertext (AES-128-CBC + HMAC) of the full number;
- ``id_hash``: HMAC-SHA256 of the normalised number under a separate key, for exact look-up and
  de-duplication without decrypting;
- ``id_masked``: the display form, e.g. ``500242********0030``.

Keys come from the environment (``TONGBANG_FERNET_KEY``, ``TONGBANG_HASH_KEY``) or, when absent,
from ``keys.json`` in the data folder, generated on first use with file mode 0600.
Phone numbers are stored in clear (staff call them) but shown masked in lists: ``138****5678``.
Neither an ID number nor a phone number may ever be logged.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet

from models.store.config import data_dir

_lock = threading.Lock()


@lru_cache(maxsize=8)
def _keys_for(folder: str) -> tuple[bytes, bytes]:
    env_fernet = os.environ.get("TONGBANG_FERNET_KEY")
    env_hash = os.environ.get("TONGBANG_HASH_KEY")
    if env_fernet and env_hash:
        return env_fernet.encode(), env_hash.encode()
    path = Path(folder) / "keys.json"
    with _lock:
        if not path.exists():
            keys = {
                "fernet": Fernet.generate_key().decode(),
                "hash": base64.urlsafe_b64encode(os.urandom(32)).decode(),
            }
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                json.dump(keys, fh)
        keys = json.loads(path.read_text())
    return (env_fernet or keys["fernet"]).encode(), (env_hash or keys["hash"]).encode()


def _keys() -> tuple[bytes, bytes]:
    return _keys_for(str(data_dir()))


def normalise_id(id_number: str) -> str:
    """Strip spaces and upper-case the check character (``x`` → ``X``)."""
    return id_number.strip().replace(" ", "").upper()


@lru_cache(maxsize=8)
def _fernet_for(key: bytes) -> Fernet:
    return Fernet(key)


def encrypt_id(id_number: str) -> str:
    """Encrypt a resident ID number for storage."""
    return _fernet_for(_keys()[0]).encrypt(normalise_id(id_number).encode()).decode()


def decrypt_id(token: str) -> str:
    """Decrypt a stored resident ID number. Callers must audit-log who saw it."""
    return _fernet_for(_keys()[0]).decrypt(token.encode()).decode()


def id_hash(id_number: str) -> str:
    """Keyed hash of a resident ID number, for exact look-up and de-duplication."""
    return hmac.new(_keys()[1], normalise_id(id_number).encode(), hashlib.sha256).hexdigest()


def mask_id(id_number: str | None) -> str:
    """``500242199001010030`` → ``500242********0030``; empty stays empty."""
    if not id_number:
        return ""
    value = normalise_id(id_number)
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(phone: str | None) -> str:
    """``13812345678`` → ``138****5678``; empty stays empty."""
    if not phone:
        return ""
    phone = phone.strip()
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def protect_id(id_number: str) -> dict:
    """The three stored columns for a resident ID number: ciphertext, keyed hash, masked form."""
    return {
        "id_number_enc": encrypt_id(id_number),
        "id_hash": id_hash(id_number),
        "id_masked": mask_id(id_number),
    }
