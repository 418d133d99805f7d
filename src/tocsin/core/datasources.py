"""Where the sync commands read public datasets from: a local directory, a file, or a URL.

`TOCSIN_DATA_DIR` (or a command's `--source`) points at a local copy laid out like the
upstream sources (`congress/`, `zip/`, `boundaries/`); otherwise the commands download.
"""

import gzip
import io
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

DOWNLOAD_TIMEOUT_SECONDS = 60
MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024
USER_AGENT = "Tocsin data sync (+https://github.com/)"


class DatasetError(Exception):
    """A dataset could not be read or does not look like what we expect."""


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def local_data_dir() -> Path | None:
    configured = settings.TOCSIN_DATA_DIR
    return Path(configured) if configured else None


def read_bytes(location: str | Path) -> bytes:
    """The content of a file or URL, decompressed when it is gzip."""
    location = str(location)
    if is_url(location):
        request = urllib.request.Request(location, headers={"User-Agent": USER_AGENT})  # noqa: S310 (is_url allows only http and https)
        try:
            with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:  # noqa: S310
                data = response.read(MAX_DOWNLOAD_BYTES + 1)
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise DatasetError(f"Could not download {location}: {error}") from error
        if len(data) > MAX_DOWNLOAD_BYTES:
            raise DatasetError(f"{location} is larger than {MAX_DOWNLOAD_BYTES} bytes")
    else:
        try:
            data = Path(location).read_bytes()
        except OSError as error:
            raise DatasetError(f"Could not read {location}: {error.strerror or error}") from error
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as error:
            raise DatasetError(f"{location} is not a complete gzip file: {error}") from error
    return data


def read_text(location: str | Path) -> str:
    try:
        return read_bytes(location).decode("utf-8")
    except UnicodeDecodeError as error:
        raise DatasetError(f"{location} is not UTF-8 text: {error}") from error


def open_text(location: str | Path) -> io.StringIO:
    return io.StringIO(read_text(location), newline="")


def resolve(source: str | None, relative_path: str, default_url: str) -> str:
    """Where to read one file: `source` (a directory, file or URL), the data dir, or upstream.

    A directory (given or from TOCSIN_DATA_DIR) is joined with `relative_path`, falling back
    to the bare file name, so both `--source ../shared/data` and `--source ../shared/data/zip`
    work.
    """
    if source is None:
        directory = local_data_dir()
        if directory is None:
            return default_url
        source = str(directory)
    if is_url(source):
        return (
            source.rstrip("/") + "/" + Path(relative_path).name if source.endswith("/") else source
        )
    path = Path(source)
    if path.is_dir():
        for candidate in (path / relative_path, path / Path(relative_path).name):
            if candidate.exists():
                return str(candidate)
        raise DatasetError(f"{relative_path} not found under {path}")
    return str(path)
