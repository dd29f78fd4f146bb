"""The files folder: where uploaded content is written, read back and removed.

Each file is one regular file named by its id in the configured folder (setting
``files_path``); the metadata row keeps the absolute path. Disk work runs in a worker thread,
never on the event loop.
"""

import os
from pathlib import Path

import anyio.to_thread


def content_path(root: str, file_id: str) -> Path:
    """Where the content of ``file_id`` goes under the folder ``root`` (absolute)."""
    return Path(root).expanduser().resolve() / file_id


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)  # readers never see half a file


async def write_content(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole (through a temporary name and a rename)."""
    await anyio.to_thread.run_sync(_write, path, data)


async def read_content(path: str) -> bytes:
    """The content stored at ``path``."""
    return await anyio.to_thread.run_sync(Path(path).read_bytes)


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


async def remove_content(path: str) -> None:
    """Remove the content at ``path`` (nothing happens if it is gone already)."""
    await anyio.to_thread.run_sync(_remove, Path(path))
