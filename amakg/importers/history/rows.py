"""The rows of the AMA history files: read, and parsed into entries (or dropped, with why).

A row is one line of a .jl file; an Entry is what it says in the domain: who was nominated
for which category (the Wikipedia page) in which year, with which work, and whether they won.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from ...errors import InputError
from ...inputs import current_limits, decode_utf8, megabytes, open_regular
from ...naming import strip_disambiguation, wiki_title
from ...vocab import AMAR

PAGE_PREFIX = "American_Music_Award_for_"
ORGANIZATION = "American_Music_Award"
WIKIPEDIA = "https://en.wikipedia.org/wiki/"


@dataclass(frozen=True)
class Row:
    """One line of a JSON Lines file, as read (line numbers from 1)."""

    stem: str
    line: int
    raw: str
    path: Path | None = field(default=None, compare=False, repr=False)

    @property
    def id(self) -> str:
        return f"{self.stem}:{self.line}"

    @property
    def node(self) -> URIRef:
        return AMAR[f"source/ama-history/{self.stem}/row-{self.line}"]


@dataclass(frozen=True)
class Mention:
    """A name as a row gives it, with its Wikipedia title (None when the row has no link)."""

    name: str
    title: str | None


@dataclass(frozen=True)
class Entry:
    """A row read into the domain: who was nominated for which category in which year."""

    row: Row
    page: str
    year: int
    artists: tuple[Mention, ...]
    winner: bool
    work: Mention | None

    @property
    def category_name(self) -> str:
        return self.page.removeprefix(PAGE_PREFIX).replace("_", " ")

    @property
    def kind(self) -> str:
        """group, solo, album or other: what the page's nominees are."""
        if "Band/Duo/Group" in self.page:
            return "group"
        if self.page.endswith(("_Male_Artist", "_Female_Artist")):
            return "solo"
        if self.page.endswith("_Album"):
            return "album"
        return "other"


@dataclass(frozen=True)
class Dropped:
    row: str
    reason: str


def source_files(source: Path) -> list[Path]:
    """The .jl files of a folder (sorted), or the one file given."""
    if source.is_dir():
        files = sorted(source.glob("*.jl"))
        if not files:
            raise InputError("no .jl files in this folder", path=str(source))
        return files
    if source.exists():
        return [source]  # read_rows refuses what is not a regular file, saying what it is
    raise InputError("no such file or folder", path=str(source))


def read_rows(path: Path) -> list[Row]:
    """The lines of a .jl file (a regular file, within the input size limit, UTF-8)."""
    limits = current_limits()
    with open_regular(path, limits) as stream:
        data = stream.read()  # a regular file whose size open_regular checked
    text = decode_utf8(data, path)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [Row(path.stem, number, raw, path) for number, raw in enumerate(lines, start=1)]


# The JSON types of the fields a row may carry; a value of another type is an error in the
# file (it stops the import, naming file:line), not a row to drop.
_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "award_organization": ((str,), "a string"),
    "award_classification": ((str,), "a string"),
    "artists": ((list,), "a list of names"),
    "artist_links": ((list,), "a list of links"),
    "is_winner": ((bool,), "true or false"),
    "year": ((str, int), 'a year, e.g. 1995 or "1995"'),
    "creative_work": ((str, type(None)), "a string or null"),
    "creative_work_link": ((str, type(None)), "a string or null"),
}
_ITEM_TYPES = {"artists": (str,), "artist_links": (str, type(None))}


def parse_entry(row: Row) -> Entry | Dropped:
    """The row as an Entry, or the reason it cannot be imported. Raises InputError (file:line)
    when the row is out of bounds (nesting, string size) or a field has the wrong JSON type."""
    try:
        data = json.loads(row.raw)
    except json.JSONDecodeError as exc:
        return Dropped(row.id, f"not valid JSON: {exc.msg}")
    except RecursionError:
        raise _row_error(row, "JSON nested too deeply to read", "rows are flat objects") from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise _row_error(
            row, f"a number too long to read ({exc})", "write it as a string"
        ) from None
    if not isinstance(data, dict):
        return Dropped(row.id, "not a JSON object")
    _check_row(row, data)
    return _entry(row, data)


def _check_row(row: Row, data: dict[str, object]) -> None:
    """Wrong JSON types and strings over the literal limit are errors naming the row."""
    for key, (types, expected) in _TYPES.items():
        if key in data and not _has_type(data[key], types):
            raise _row_error(row, f"field {key!r} must be {expected}, got {_show(data[key])}")
        value, items = data.get(key), _ITEM_TYPES.get(key)
        if items and isinstance(value, list):
            for item in value:
                if not isinstance(item, items):
                    raise _row_error(row, f"field {key!r} holds {_show(item)}, not a string")
    limit = current_limits().max_literal_bytes
    for key, value in data.items():
        for text in value if isinstance(value, list) else [value]:
            size = len(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else 0
            if size > limit:
                raise _row_error(
                    row,
                    f"field {key!r} holds a string of {megabytes(size)}, "
                    f"over the {megabytes(limit)} limit",
                    "raise the limit with --max-literal-mb if the value is meant to be this long",
                )


def _has_type(value: object, types: tuple[type, ...]) -> bool:
    """isinstance, except that a boolean is not a number (JSON true is not a year)."""
    return isinstance(value, types) and (isinstance(value, bool) == (bool in types))


def _show(value: object) -> str:
    """A value for a message: its JSON type and a short excerpt (never the whole of a huge
    value)."""
    if value is None:
        return "null"
    if isinstance(value, list | dict):
        kind = "list" if isinstance(value, list) else "object"
        return f"a JSON {kind} of {len(value)} item(s)"
    kind = {bool: "a boolean", str: "a string"}.get(type(value), "a number")
    text = json.dumps(value[:41] if isinstance(value, str) else value, ensure_ascii=True)
    return f"{kind} ({text[:40]}{'…' if len(text) > 40 else ''})"


def _row_error(row: Row, message: str, hint: str | None = None) -> InputError:
    return InputError(message, path=str(row.path or f"{row.stem}.jl"), line=row.line, hint=hint)


def _entry(row: Row, data: dict) -> Entry | Dropped:
    missing = [
        k
        for k in (
            "award_organization",
            "award_classification",
            "artists",
            "artist_links",
            "is_winner",
            "year",
        )
        if k not in data
    ]
    if missing:
        return Dropped(row.id, f"missing field(s): {', '.join(missing)}")
    page, year = data["award_classification"], str(data["year"])
    if data["award_organization"] != ORGANIZATION:
        return Dropped(row.id, f"award_organization {data['award_organization']!r} is not the AMAs")
    if not isinstance(page, str) or not page.startswith(PAGE_PREFIX):
        return Dropped(row.id, f"award_classification {page!r} is not an AMA category page")
    if not (year.isascii() and year.isdigit() and len(year) == 4):
        return Dropped(row.id, f"year {data['year']!r} is not a four-digit year")
    artists = _mentions(data["artists"], data["artist_links"])
    if isinstance(artists, str):
        return Dropped(row.id, artists)
    work = None
    if "creative_work" in data:
        name = (data.get("creative_work") or "").strip()
        link = data.get("creative_work_link") or ""
        title = wiki_title(link) if link else None
        if not name and not title:
            return Dropped(row.id, "an album row without album title or link")
        if not name and title:
            name = strip_disambiguation(title.replace("_", " "))
        work = Mention(name, title)
    return Entry(row, page, int(year), artists, data["is_winner"], work)


def _mentions(names: object, links: object) -> tuple[Mention, ...] | str:
    if not isinstance(names, list) or not isinstance(links, list) or not names:
        return "artists must be a non-empty list with a link per name"
    if len(names) != len(links):
        return f"{len(names)} artist name(s) but {len(links)} link(s)"
    mentions = []
    for name, link in zip(names, links, strict=True):
        if not isinstance(name, str) or not name.strip():
            return "an empty artist name"
        mentions.append(Mention(name.strip(), wiki_title(link) if link else None))
    return tuple(mentions)
