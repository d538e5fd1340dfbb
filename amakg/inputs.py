"""What amakg reads from a user's files: regular files only, within limits (file size,
decompressed size, literal size) that the CLI can raise; UTF-8 decoding with a position."""

from __future__ import annotations

import gzip
import os
import stat
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import InputError, line_column

MB = 1024 * 1024
PARSER_BUFFER = 16 * MB  # pyoxigraph stops at a token longer than this (a MemoryError)
_CHUNK = MB


@dataclass(frozen=True)
class Limits:
    """How much amakg reads from one file. The real data files are a few MB; these bounds are
    far above them, yet low enough that a hostile file (a gzip bomb, a huge literal, a symlink
    to /dev/zero) is refused in a moment instead of exhausting memory. The CLI raises them with
    --max-input-mb (file and decompressed size) and --max-literal-mb."""

    max_file_bytes: int = 100 * MB
    max_decompressed_bytes: int = 100 * MB
    max_literal_bytes: int = 1 * MB

    @classmethod
    def for_built_output(cls) -> Limits:
        """No size bound, for reading what `amakg build` wrote (a large graph's TriG is
        larger than any input file should be); regular files only, as always."""
        return cls(_UNBOUNDED, _UNBOUNDED, cls().max_literal_bytes)

    @classmethod
    def from_megabytes(cls, input_mb: float | None, literal_mb: float | None) -> Limits:
        """Limits with the CLI's values in MB (None keeps a default)."""
        default = cls()
        size = default.max_file_bytes if input_mb is None else int(input_mb * MB)
        literal = default.max_literal_bytes if literal_mb is None else int(literal_mb * MB)
        return cls(size, size, literal)


_UNBOUNDED = 1 << 62
_LIMITS: ContextVar[Limits] = ContextVar("amakg_load_limits", default=Limits())  # noqa: B039


def current_limits() -> Limits:
    """The limits in force (the defaults unless `using_limits` set others)."""
    return _LIMITS.get()


@contextmanager
def using_limits(limits: Limits) -> Iterator[Limits]:
    """Read files with `limits` inside the block (the CLI sets the user's options this way)."""
    token = _LIMITS.set(limits)
    try:
        yield limits
    finally:
        _LIMITS.reset(token)


def megabytes(size: int) -> str:
    """A size for a message: '16 MB', '1.5 MB', '200 KB', '12 bytes'."""
    if size < 1024:
        return f"{size} bytes"
    if size < MB:
        return f"{size / 1024:.0f} KB"
    value = size / MB
    return f"{value:.0f} MB" if value == round(value) else f"{value:.1f} MB"


def read_bytes(path: Path, limits: Limits | None = None) -> bytes:
    """The content of a regular file, decompressed when it ends in .gz, within `limits`."""
    limits = limits or current_limits()
    with open_regular(path, limits) as stream:
        if path.suffix == ".gz":
            return _gunzip(path, stream, limits.max_decompressed_bytes)
        data = stream.read()  # a regular file whose size open_regular checked
    if len(data) > limits.max_file_bytes:  # the file grew after fstat
        raise _too_big(path, limits.max_file_bytes)
    return data


def decode_utf8(data: bytes, path: Path, what: str = "the file") -> str:
    """The text of UTF-8 bytes read from `path`, or an InputError at the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = line_column(data, exc.start)
        raise InputError(
            f"{what} is not UTF-8: byte 0x{data[exc.start]:02x} cannot start a character",
            path=str(path),
            line=line,
            column=column,
            hint=f"save {what} as UTF-8",
        ) from None


def open_regular(path: Path, limits: Limits | None = None) -> BinaryIO:
    """Open a file for reading, refusing what is not a regular file (a device, a pipe, a folder,
    a symlink to /dev/zero: the check is on what was opened) or what is over the size limit."""
    limits = limits or current_limits()
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it changes nothing for files.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=str(path)) from exc
    except ValueError:  # a NUL in the name: no command line can pass one, a caller can
        raise InputError(
            "not a file name: it holds a NUL character", path=repr(str(path))
        ) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise InputError(
            f"not a regular file ({_kind(info.st_mode)}{_target(path)}); "
            "amakg reads regular files only",
            path=str(path),
            hint="pass the data file itself, not a device, a pipe or a folder",
        )
    if info.st_size > limits.max_file_bytes:
        os.close(fd)
        raise _too_big(path, limits.max_file_bytes, info.st_size)
    return os.fdopen(fd, "rb")


def _kind(mode: int) -> str:
    kinds = {
        stat.S_ISDIR: "a folder",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISFIFO: "a pipe",
        stat.S_ISSOCK: "a socket",
    }
    return next((name for test, name in kinds.items() if test(mode)), "not a file")


def _target(path: Path) -> str:
    """', a link to /dev/zero' when the path is a symlink: say what it resolves to."""
    try:
        return f", a link to {path.resolve()}" if path.is_symlink() else ""
    except (OSError, RuntimeError):  # a symlink loop
        return ", a link"


def _too_big(path: Path, limit: int, size: int | None = None) -> InputError:
    found = f"the file is {megabytes(size)}" if size is not None else "the file is larger"
    return InputError(
        f"{found}, over the {megabytes(limit)} input limit",
        path=str(path),
        hint="raise the limit with --max-input-mb if the file is meant to be this large",
    )


def _gunzip(path: Path, stream: BinaryIO, limit: int) -> bytes:
    """Decompress chunk by chunk, stopping as soon as the output passes `limit` (a gzip bomb
    is refused after reading `limit` bytes, not after filling memory)."""
    chunks: list[bytes] = []
    total = 0
    try:
        with gzip.GzipFile(fileobj=stream) as unzipped:
            while chunk := unzipped.read(_CHUNK):
                total += len(chunk)
                if total > limit:
                    raise InputError(
                        f"decompresses to more than {megabytes(limit)}, the input limit",
                        path=str(path),
                        hint="raise the limit with --max-input-mb if the data is meant to be "
                        "this large",
                    )
                chunks.append(chunk)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"not a valid gzip file: {exc}", path=str(path)) from exc
    return b"".join(chunks)
