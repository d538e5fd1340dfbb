"""The rows of the AMA history files: read, and parsed into entries (or dropped, with why).

A row is one line of a .jl file; an Entry is what it says in the domain: who was nominated
for which category (the Wikipedia page) in which year, with which work, and whether they won.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from ..errors import InputError
from ..names import strip_disambiguation, wiki_title
from ..vocab import AMAR

PAGE_PREFIX = "American_Music_Award_for_"
ORGANIZATION = "American_Music_Award"
WIKIPEDIA = "https://en.wikipedia.org/wiki/"


@dataclass(frozen=True)
class Row:
    """One line of a JSON Lines file, as read (line numbers from 1)."""

    stem: str
    line: int
    raw: str

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
    if source.is_file():
        return [source]
    raise InputError("no such file or folder", path=str(source))


def read_rows(path: Path) -> list[Row]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file: {exc}", path=str(path)) from exc
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [Row(path.stem, number, raw) for number, raw in enumerate(lines, start=1)]


def parse_entry(row: Row) -> Entry | Dropped:
    """The row as an Entry, or the reason it cannot be imported."""
    try:
        data = json.loads(row.raw)
    except json.JSONDecodeError as exc:
        return Dropped(row.id, f"not valid JSON: {exc.msg}")
    if not isinstance(data, dict):
        return Dropped(row.id, "not a JSON object")
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
    if not isinstance(data["is_winner"], bool):
        return Dropped(row.id, f"is_winner {data['is_winner']!r} is not true or false")
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
