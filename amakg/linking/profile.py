"""What the linker compares: profiles of our artists and of an external dataset's artists.

A profile holds an entity's labels, its kind (group or person), the titles of its albums, the
names of its members and its active years. Our side is read in the amakg vocabulary; the
external side through a mapping file (mapping.toml) that names the dataset's label, type,
member, album-artist and date properties and its group, person and album classes.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import InputError
from ..inputs import read_bytes
from ..naming import fold, strip_disambiguation
from ..vocab import AMA

GROUP, PERSON = "group", "person"

_SUFFIX = re.compile(r"\(([^()]*)\)\s*$")
_GROUP_WORDS = frozenset(["band", "group", "duo", "trio", "quartet", "ensemble", "orchestra"])
_PERSON_WORDS = frozenset(
    [
        "singer",
        "musician",
        "rapper",
        "entertainer",
        "singer-songwriter",
        "songwriter",
        "vocalist",
        "guitarist",
        "drummer",
        "bassist",
        "pianist",
        "composer",
        "producer",
        "dj",
        "actor",
        "actress",
    ]
)
_OUR_KINDS = {AMA.Group: GROUP, AMA.SoloArtist: PERSON, AMA.Person: PERSON}
_OUR_ARTIST_CLASSES = (AMA.Artist, AMA.Group, AMA.SoloArtist)
_OUR_LABELS = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)


# ---------------------------------------------------------------- the mapping file


@dataclass(frozen=True)
class Mapping:
    """Which properties and classes of the external dataset the linker reads (mapping.toml)."""

    name: str
    title: str
    uri_space: str
    labels: tuple[URIRef, ...]
    type: URIRef = RDF.type
    group_classes: tuple[URIRef, ...] = ()
    person_classes: tuple[URIRef, ...] = ()
    album_classes: tuple[URIRef, ...] = ()
    member: URIRef | None = None
    album_artist: URIRef | None = None
    date: URIRef | None = None
    label_from_local_name: bool = False
    source: str | None = None
    license: str | None = None


def load_mapping(path: Path | str) -> Mapping:
    """Read a mapping.toml (see data/sources/dbpedia-music-sample/mapping.toml)."""
    path = Path(path)
    try:
        config = tomllib.loads(read_bytes(path).decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 (byte {exc.start})", path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", path=str(path)) from exc
    try:
        return _mapping(path, config)
    except (TypeError, AttributeError, ValueError) as exc:  # a list where a string belongs, …
        raise InputError(
            f"a value of the wrong type in the mapping ({exc})",
            path=str(path),
            hint="see data/sources/dbpedia-music-sample/mapping.toml for the expected shape",
        ) from None


def _mapping(path: Path, config: dict) -> Mapping:
    sections = ("prefixes", "dataset", "properties", "classes")
    wrong = [k for k in sections if not isinstance(config.get(k, {}), dict)]
    if wrong:
        raise InputError(f"[{wrong[0]}] must be a table", path=str(path))
    prefixes: dict[str, str] = config.get("prefixes", {})
    dataset, props, classes = (config.get(k, {}) for k in ("dataset", "properties", "classes"))

    def iri(term: str) -> URIRef:
        prefix, sep, local = term.partition(":")
        if sep and prefix in prefixes:
            return URIRef(prefixes[prefix] + local)
        if term.startswith(("http://", "https://", "urn:")):
            return URIRef(term)
        raise InputError(f"unknown prefix in {term!r}", path=str(path), hint="add it to [prefixes]")

    def optional(key: str) -> URIRef | None:
        return iri(props[key]) if key in props else None

    missing = [k for k in ("name", "uri_space") if k not in dataset] + (
        [] if props.get("label") else ["properties.label"]
    )
    if missing:
        raise InputError(f"mapping lacks {', '.join(missing)}", path=str(path))
    return Mapping(
        name=dataset["name"],
        title=dataset.get("title", dataset["name"]),
        uri_space=dataset["uri_space"],
        labels=tuple(iri(t) for t in props["label"]),
        type=iri(props.get("type", str(RDF.type))),
        group_classes=tuple(iri(t) for t in classes.get("group", [])),
        person_classes=tuple(iri(t) for t in classes.get("person", [])),
        album_classes=tuple(iri(t) for t in classes.get("album", [])),
        member=optional("member"),
        album_artist=optional("album_artist"),
        date=optional("date"),
        label_from_local_name=bool(props.get("label_from_local_name", False)),
        source=dataset.get("source"),
        license=dataset.get("license"),
    )


# ---------------------------------------------------------------- profiles


def name_key(label: str) -> str:
    """The comparable form of a name: 'Seventeen (South Korean band)' -> 'seventeen'."""
    return fold(strip_disambiguation(label))


def kind_from_suffix(label: str) -> str | None:
    """'Journey (band)' -> 'group', 'Prince (musician)' -> 'person', 'Heroes (album)' -> None."""
    match = _SUFFIX.search(label)
    if not match:
        return None
    words = set(match.group(1).casefold().replace(",", " ").split())
    if words & _GROUP_WORDS:
        return GROUP
    if words & _PERSON_WORDS:
        return PERSON
    return None


@dataclass
class Profile:
    """What the linker compares about one entity."""

    iri: URIRef
    labels: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)
    albums: set[str] = field(default_factory=set)
    members: set[str] = field(default_factory=set)
    years: set[int] = field(default_factory=set)

    @property
    def keys(self) -> set[str]:
        return {k for k in (name_key(label) for label in self.labels) if k}


def _literals(graph: Graph, subject: Node, predicates: Iterable[URIRef]) -> list[str]:
    return sorted(
        {str(o) for p in predicates for o in graph.objects(subject, p) if isinstance(o, Literal)}
    )


def _year(value: Node) -> int | None:
    match = re.match(r"-?\d{4}", str(value))
    return int(match.group(0)) if isinstance(value, Literal) and match else None


def our_profiles(graph: Graph) -> dict[URIRef, Profile]:
    """Profiles of the artists of our graph (ama:Artist, ama:Group, ama:SoloArtist).

    Reads labels, types, nominations (works, ceremony years) and memberships only: never a link
    (skos:exactMatch, schema:sameAs) nor a provenance quote.
    """
    profiles: dict[URIRef, Profile] = {}
    for cls in _OUR_ARTIST_CLASSES:
        for s in graph.subjects(RDF.type, cls):
            if isinstance(s, URIRef) and s not in profiles:
                profiles[s] = Profile(s, _literals(graph, s, _OUR_LABELS))
    for iri, profile in profiles.items():
        types = graph.objects(iri, RDF.type)
        profile.kinds = {_OUR_KINDS[c] for c in types if isinstance(c, URIRef) and c in _OUR_KINDS}
    for nomination, nominee in graph.subject_objects(AMA.nominee):
        if not isinstance(nominee, URIRef) or nominee not in profiles:
            continue
        profile = profiles[nominee]
        for work in graph.objects(nomination, AMA.work):
            profile.albums |= {name_key(t) for t in _literals(graph, work, _OUR_LABELS)}
        years = list(graph.objects(nomination, AMA.year))
        years += [
            y for c in graph.objects(nomination, AMA.ceremony) for y in graph.objects(c, AMA.year)
        ]
        profile.years |= {y for y in map(_year, years) if y is not None}
    for group, person in _our_memberships(graph):
        if isinstance(group, URIRef) and group in profiles:
            profiles[group].members |= {name_key(t) for t in _literals(graph, person, _OUR_LABELS)}
    return profiles


def _our_memberships(graph: Graph) -> Iterator[tuple[Node, Node]]:
    yield from graph.subject_objects(AMA.hasMember)
    yield from ((g, p) for p, g in graph.subject_objects(AMA.memberOf))
    for node in graph.subjects(RDF.type, AMA.Membership):
        for group in graph.objects(node, AMA.membershipGroup):
            for person in graph.objects(node, AMA.membershipMember):
                yield group, person


def _their_labels(graph: Graph, iri: Node, mapping: Mapping) -> list[str]:
    labels = _literals(graph, iri, mapping.labels)
    if not labels and mapping.label_from_local_name and str(iri).startswith(mapping.uri_space):
        labels = [unquote(str(iri).removeprefix(mapping.uri_space)).replace("_", " ")]
    return labels


def their_profiles(graph: Graph, mapping: Mapping) -> dict[URIRef, Profile]:
    """Profiles of the external dataset's artists (the mapping's group and person classes)."""
    profiles: dict[URIRef, Profile] = {}
    for classes, kind in ((mapping.group_classes, GROUP), (mapping.person_classes, PERSON)):
        for cls in classes:
            for s in graph.subjects(mapping.type, cls):
                if isinstance(s, URIRef):
                    profile = profiles.setdefault(s, Profile(s, _their_labels(graph, s, mapping)))
                    profile.kinds.add(kind)
    for profile in profiles.values():
        profile.kinds |= {k for k in map(kind_from_suffix, profile.labels) if k}
    if mapping.album_artist is not None:
        for album, artist in graph.subject_objects(mapping.album_artist):
            if artist in profiles:
                profile = profiles[artist]  # type: ignore[index]
                profile.albums |= {name_key(t) for t in _their_labels(graph, album, mapping)}
                if mapping.date is not None:
                    years = map(_year, graph.objects(album, mapping.date))
                    profile.years |= {y for y in years if y is not None}
    if mapping.member is not None:
        for group, person in graph.subject_objects(mapping.member):
            if group in profiles:
                labels = _their_labels(graph, person, mapping)
                profiles[group].members |= {name_key(t) for t in labels}  # type: ignore[index]
    return profiles
