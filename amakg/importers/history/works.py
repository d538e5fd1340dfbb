"""Works of the album rows -> entities: one per Wikipedia link, else per normalized title and
artists.
"""

from __future__ import annotations

from ... import iris
from ...naming import normalize
from .artists import ArtistResolver
from .context import Context
from .entities import Entity, assign_iris
from .rows import Entry


def resolve_works(entries: list[Entry], artists: ArtistResolver, ctx: Context) -> dict[str, Entity]:
    """Works of album rows -> entities: by link, else by normalized title and artists."""
    works: dict[str, Entity] = {}
    for entry in entries:
        if entry.work is None:
            continue
        key = _work_key(entry, artists)
        work = works.setdefault(key, Entity(key, entry.work.title))
        work.add(entry.work, entry.row, "album")
    assign_iris(works.values(), iris.work, ctx)
    return {entry.row.id: works[_work_key(entry, artists)] for entry in entries if entry.work}


def _work_key(entry: Entry, artists: ArtistResolver) -> str:
    assert entry.work is not None
    if entry.work.title:
        return f"link:{entry.work.title}"
    who = ",".join(sorted(artists.of[(entry.row.id, i)].key for i in range(len(entry.artists))))
    return f"name:{normalize(entry.work.name)}|{who}"
