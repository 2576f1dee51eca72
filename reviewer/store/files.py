"""Where uploaded files and review artefacts live under data_dir, and how names are made safe.

Uploads go to ``data_dir/uploads/<uuid>/<sanitised name>``: the directory is random (not
guessable, never shared between uploads), the name keeps only characters that are safe on every
file system, and every resolved path is checked to stay inside its base directory.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import unicodedata
import uuid
from pathlib import Path
from typing import BinaryIO

from reviewer.errors import BadInputError, LimitExceededError

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]')
_HEX_ID = re.compile(r"^[0-9a-f]{32}$")
MAX_NAME_CHARS = 120


def sanitize_filename(name: str, default: str = "upload") -> str:
    """A file name that cannot leave its directory or confuse a shell or a browser.

    Keeps Chinese characters; drops directory parts (both separators), control and bidi
    characters, reserved characters, leading dots and trailing dots/spaces; bounds the length
    while keeping the extension.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE.sub("_", name).strip().lstrip(".").rstrip(". ")
    if not name or set(name) <= {"_", " "}:
        name = default
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = re.sub(r"[^0-9A-Za-z]", "", ext)[:10].lower()
    if not stem:
        stem, ext = name, ""
    keep = MAX_NAME_CHARS - (len(ext) + 1 if ext else 0)
    stem = stem[:keep].rstrip(". ") or default
    return f"{stem}.{ext}" if ext else stem


def inside(base: Path, *parts: str) -> Path:
    """base/parts resolved, refusing anything that resolves outside ``base``."""
    base_r = base.resolve()
    p = base_r.joinpath(*parts).resolve()
    if p != base_r and base_r not in p.parents:
        raise BadInputError("文件路径不合法。", code="bad_path")
    return p


def check_id(value: str) -> str:
    if not isinstance(value, str) or not _HEX_ID.match(value):
        raise BadInputError("编号格式不正确。", code="bad_id")
    return value


def new_id() -> str:
    return uuid.uuid4().hex


def save_upload(data_dir: Path, source: Path | BinaryIO | bytes, file_name: str, max_bytes: int) -> tuple[str, str, int]:
    """Copy an upload into data_dir/uploads/<uuid>/<safe name>.

    Returns (path relative to data_dir, sha256, size). Streams in chunks so a huge upload is
    refused at the limit instead of being read whole into memory.
    """
    safe = sanitize_filename(file_name)
    rel_dir = Path("uploads") / new_id()
    target_dir = inside(data_dir, str(rel_dir))
    target_dir.mkdir(parents=True, exist_ok=False)
    target = inside(target_dir, safe)
    h = hashlib.sha256()
    size = 0
    close = False
    if isinstance(source, bytes):
        import io

        stream: BinaryIO = io.BytesIO(source)
    elif isinstance(source, (str, Path)):
        stream = open(source, "rb")  # noqa: SIM115 (closed below)
        close = True
    else:
        stream = source
    try:
        with open(target, "wb") as out:
            while True:
                chunk = stream.read(1 << 20)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise LimitExceededError(
                        f"文件“{safe}”超过上传大小上限 {max_bytes / 1048576:.3g} MB（设置项 limits.max_upload_mb）。",
                        code="file_too_large",
                    )
                h.update(chunk)
                out.write(chunk)
    except BaseException:
        shutil.rmtree(target_dir, ignore_errors=True)
        raise
    finally:
        if close:
            stream.close()
    if size == 0:
        shutil.rmtree(target_dir, ignore_errors=True)
        raise BadInputError(f"文件“{safe}”是空文件。", code="empty")
    return (rel_dir / safe).as_posix(), h.hexdigest(), size


def review_dir(data_dir: Path, review_id: str) -> Path:
    return inside(data_dir, "reviews", check_id(review_id))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so a crash never leaves a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
