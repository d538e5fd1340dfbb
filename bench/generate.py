"""Synthetic awards graphs for the benchmark: same ontology, shapes-valid, realistic shape.

    python bench/generate.py --scale 10k          # also 100k, 1M, or a plain number (300)

writes bench/out/<scale>/ (gitignored): asserted.ttl (facts), provenance.ttl (sources and
dataset rows), sources.toml (so that amakg.build.build(data_dir=...) can build it too) and
params.json (values for the canned queries' parameters that exist in this graph).

The shape follows the real AMA history (data/sources/ama-history): award programmes with one
ceremony a year (1974–2026), each with category lineages renamed over the years (one to three
names, ama:renamedFrom, introducedIn/lastYear), about five nominees per category and ceremony
and one winner, album categories naming a work, n-ary ama:Nomination nodes each derived from
its own dataset row (ama:sourceRow, dcterms:isPartOf the programme's source, the raw line as
ama:quote), a shared pool of artists with Zipf-like popularity (so the same artists are
nominated and win again and again, and win streaks exist), groups with members (ama:Membership
nodes), genres, performances at ceremonies, and two voting eras per programme (industry vote
to 2005, public vote from 2006). Generation stops at the first ceremony that reaches the target
number of triples, so a graph has about the asked size (a few hundred triples over at most).
Everything is seeded: the same scale always gives the same files.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
FIRST_YEAR, LAST_YEAR = 1974, 2026
NOMINEES = (3, 4, 5, 5, 5, 6)
GENRES = ("pop", "rock", "country", "soul", "rap", "latin", "k-pop", "dance")
KINDS = ("artist", "group", "album")  # what a category lineage awards

PREFIXES = """@base <https://w3id.org/amakg/id/bench/> .
@prefix ama:     <https://w3id.org/amakg/ontology#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

"""


def parse_scale(text: str) -> int:
    """'10k' -> 10_000, '1M' -> 1_000_000, '300' -> 300."""
    text = text.strip()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:].lower(), 1)
    number = text[:-1] if factor > 1 else text
    return int(float(number) * factor)


def lit(text: str, lang: str | None = None) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def date(year: int, month: int, day: int) -> str:
    return f'"{year:04d}-{month:02d}-{day:02d}"^^xsd:date'


class Turtle:
    """A streaming Turtle writer that counts the triples it writes."""

    def __init__(self, path: Path) -> None:
        self.file = path.open("w", encoding="utf-8")
        self.file.write(PREFIXES)
        self.triples = 0

    def node(self, subject: str, *pairs: tuple[str, str | list[str]]) -> None:
        lines = []
        for predicate, objects in pairs:
            values = objects if isinstance(objects, list) else [objects]
            if values:
                lines.append(f"    {predicate} {' , '.join(values)}")
                self.triples += len(values)
        self.file.write(f"{subject}\n" + " ;\n".join(lines) + " .\n")

    def close(self) -> None:
        self.file.close()


@dataclass
class Artist:
    iri: str
    name: str
    group: bool
    genre: int
    members: list[int] = field(default_factory=list)
    written: bool = False


@dataclass
class Lineage:
    iri: str
    kind: str
    names: list[tuple[str, str, int, int | None]]  # (category IRI, name, introducedIn, lastYear)
    last_winner: int | None = None

    def category(self, year: int) -> str:
        for iri, _name, start, end in self.names:
            if start <= year and (end is None or year <= end):
                return iri
        raise ValueError(year)


class Generator:
    def __init__(self, target: int, folder: Path, seed: int = 1974) -> None:
        self.target = target
        self.random = random.Random(seed)
        folder.mkdir(parents=True, exist_ok=True)
        self.facts = Turtle(folder / "asserted.ttl")
        self.prov = Turtle(folder / "provenance.ttl")
        self.lineages_per_program = max(1, min(20, round(target / 50_000)))
        solo = max(12, target // 150)
        groups = max(6, target // 300)
        self.artists = [
            Artist(f"<artist/s{i}>", f"Solo Artist {i}", False, i % len(GENRES))
            for i in range(solo)
        ]
        for i in range(groups):
            members = self.random.sample(range(solo), self.random.randint(2, 5))
            self.artists.append(
                Artist(f"<artist/g{i}>", f"Group {i}", True, i % len(GENRES), members)
            )
        # Zipf-like popularity: a few artists are nominated (and win) again and again
        self.solo_weights = [1 / (rank + 1) ** 1.1 for rank in range(solo)]
        self.group_weights = [1 / (rank + 1) ** 1.1 for rank in range(groups)]
        self.row = 0
        self.works = 0
        self.source = ""
        self.genres_written: set[int] = set()
        self.wins: dict[int, int] = {}
        self.first_category = ""
        self.years: set[int] = set()

    @property
    def triples(self) -> int:
        return self.facts.triples + self.prov.triples

    # ------------------------------------------------------------------ provenance

    def evidence(self, quote: str) -> str:
        """A dataset row of the current programme's source, holding `quote`."""
        self.row += 1
        iri = f"<{self.source[1:-1]}/row-{self.row}>"
        self.prov.node(
            iri,
            ("a", "ama:Sentence"),
            ("ama:sourceRow", str(self.row)),
            ("dcterms:isPartOf", self.source),
            ("ama:quote", lit(quote)),
        )
        return iri

    def entity(
        self, iri: str, kind: str, name: str, row: str, *more: tuple[str, str | list[str]]
    ) -> None:
        self.facts.node(
            iri,
            ("a", kind),
            ("rdfs:label", lit(name)),
            ("skos:prefLabel", lit(name)),
            *more,
            ("prov:wasDerivedFrom", row),
        )

    # ------------------------------------------------------------------ artists

    def artist(self, index: int, row: str) -> str:
        artist = self.artists[index]
        if not artist.written:
            artist.written = True
            genre = self.genre(artist.genre, row)
            kind = "ama:Group" if artist.group else "ama:SoloArtist"
            alias = [lit(artist.name.replace("Artist ", "A").replace("Group ", "G"))]
            self.entity(
                artist.iri, kind, artist.name, row, ("skos:altLabel", alias), ("ama:genre", genre)
            )
            for member in artist.members:
                person = self.artist(member, row)
                self.facts.node(
                    f"<membership/{artist.iri[8:-1]}/{member}>",
                    ("a", "ama:Membership"),
                    (
                        "rdfs:label",
                        lit(f"{self.artists[member].name}, member of {artist.name}", "en"),
                    ),
                    ("ama:membershipMember", person),
                    ("ama:membershipGroup", artist.iri),
                    ("prov:wasDerivedFrom", row),
                )
        return artist.iri

    def genre(self, index: int, row: str) -> str:
        iri = f"<genre/{GENRES[index]}>"
        if index not in self.genres_written:
            self.genres_written.add(index)
            self.entity(iri, "ama:Genre", GENRES[index], row)
        return iri

    def pick(self, kind: str, count: int) -> list[int]:
        solo = len(self.solo_weights)
        chosen: set[int] = set()
        while len(chosen) < count:
            if kind == "group":
                chosen.add(
                    solo
                    + self.random.choices(range(len(self.group_weights)), self.group_weights)[0]
                )
            else:
                chosen.add(self.random.choices(range(solo), self.solo_weights)[0])
        return sorted(chosen)

    # ------------------------------------------------------------------ programme

    def programs(self) -> Iterator[None]:
        number = 0
        while self.triples < self.target:
            yield from self.program(number)
            number += 1

    def program(self, p: int) -> Iterator[None]:
        name = f"Synthetic Music Awards {p}"
        self.source = f"<source/program-{p}>"
        self.prov.node(
            self.source,
            ("a", "ama:Source"),
            ("rdfs:label", lit(f"{name} dataset", "en")),
            ("dcterms:title", lit(f"{name}: nominations 1974-2026 (synthetic)", "en")),
            ("dcterms:date", date(2026, 11, 1)),
        )
        program = f"<program/{p}>"
        row = self.evidence(
            f"{name} was created in 1973; winners chosen by the industry to 2005, "
            "then by a public vote."
        )
        founder, network = f"<person/founder-{p}>", f"<org/network-{p}>"
        self.entity(founder, "ama:Person", f"Founder {p}", row)
        self.entity(network, "ama:Organization", f"Network {p}", row)
        eras = [f"<era/{p}/industry>", f"<era/{p}/public>"]
        self.facts.node(
            eras[0],
            ("a", "ama:VotingEra"),
            ("rdfs:label", lit(f"{name} industry vote", "en")),
            ("ama:fromYear", "1973"),
            ("ama:toYear", "2005"),
            ("ama:votingMethod", "ama:IndustryVote"),
            ("prov:wasDerivedFrom", row),
        )
        self.facts.node(
            eras[1],
            ("a", "ama:VotingEra"),
            ("rdfs:label", lit(f"{name} public vote", "en")),
            ("ama:fromYear", "2006"),
            ("ama:votingMethod", "ama:PublicVote"),
            ("prov:wasDerivedFrom", row),
        )
        self.entity(
            program,
            "ama:AwardProgram",
            name,
            row,
            ("ama:founder", founder),
            ("ama:yearCreated", "1973"),
            ("ama:broadcaster", network),
            ("ama:firstCeremony", f"<ceremony/{p}/{FIRST_YEAR}>"),
            ("ama:votingEra", eras),
            ("ama:usualSeason", lit("fall")),
        )
        venues = [f"<place/{p}/venue-{v}>" for v in range(3)]
        city = f"<place/{p}/city>"
        self.entity(city, "ama:Place", f"City {p}", row)
        for v, venue in enumerate(venues):
            self.entity(venue, "ama:Place", f"Venue {p}.{v}", row, ("ama:city", city))
        lineages = [self.lineage(p, i, row) for i in range(self.lineages_per_program)]
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            if self.triples >= self.target:
                return
            self.ceremony(p, program, year, lineages, venues, city)
            yield None

    def lineage(self, p: int, i: int, row: str) -> Lineage:
        kind = KINDS[i % len(KINDS)]
        base = {
            "artist": "Favorite Artist",
            "group": "Favorite Duo or Group",
            "album": "Favorite Album",
        }[kind]
        iri = f"<lineage/{p}/{i}>"
        renames = sorted(
            self.random.sample(range(FIRST_YEAR + 3, LAST_YEAR - 2), self.random.randint(0, 2))
        )
        starts = [FIRST_YEAR, *renames]
        names = []
        for n, start in enumerate(starts):
            end = starts[n + 1] - 1 if n + 1 < len(starts) else None
            names.append((f"<category/{p}/{i}/{n}>", f"{base} {i} (name {n + 1})", start, end))
        self.entity(iri, "ama:CategoryLineage", f"{base} {i}, under all its names", row)
        for n, (category, name, start, end) in enumerate(names):
            more: list[tuple[str, str | list[str]]] = [
                ("ama:lineage", iri),
                ("ama:introducedIn", str(start)),
            ]
            if end is not None:
                more.append(("ama:lastYear", str(end)))
            if n:
                more.append(("ama:renamedFrom", names[n - 1][0]))
            self.entity(category, "ama:Category", name, row, *more)
        if not self.first_category:
            self.first_category = names[-1][1]
        return Lineage(iri, kind, names)

    def ceremony(
        self, p: int, program: str, year: int, lineages: list[Lineage], venues: list[str], city: str
    ) -> None:
        iri = f"<ceremony/{p}/{year}>"
        self.years.add(year)
        name = f"{year} Synthetic Music Awards {p}"
        row = self.evidence(f"{name} held in City {p}")
        host = f"<person/host-{p}-{year % 7}>"
        if year - FIRST_YEAR < 7:
            self.entity(host, "ama:Person", f"Host {p}.{year % 7}", row)
        self.entity(
            iri,
            "ama:Ceremony",
            name,
            row,
            ("ama:year", str(year)),
            ("ama:awardProgram", program),
            ("ama:editionNumber", str(year - FIRST_YEAR + 1)),
            ("ama:date", date(year, 11, 1 + year % 28)),
            ("ama:venue", venues[year % len(venues)]),
            ("ama:city", city),
            ("ama:host", host),
        )
        for lineage in lineages:
            self.category_year(p, year, iri, lineage)
        for n, performer in enumerate(self.pick("artist", 2)):
            prow = self.evidence(f"{self.artists[performer].name} performed at the {name}")
            work = self.work(p, prow)
            self.facts.node(
                f"<performance/{p}/{year}/{n}>",
                ("a", "ama:Performance"),
                ("ama:performer", self.artist(performer, prow)),
                ("ama:atEvent", iri),
                ("ama:performedWork", work),
                ("prov:wasDerivedFrom", prow),
            )

    def category_year(self, p: int, year: int, ceremony: str, lineage: Lineage) -> None:
        category = lineage.category(year)
        nominees = self.pick(
            "group" if lineage.kind == "group" else "artist", self.random.choice(NOMINEES)
        )
        # the last winner is often nominated again, and often wins again: streaks
        if (
            lineage.last_winner is not None
            and self.random.random() < 0.6
            and lineage.last_winner not in nominees
        ):
            nominees[0] = lineage.last_winner
        if lineage.last_winner in nominees and self.random.random() < 0.5:
            winner = lineage.last_winner
        else:
            winner = nominees[0] if self.random.random() < 0.6 else self.random.choice(nominees)
        lineage.last_winner = winner
        for nominee in nominees:
            won = nominee == winner
            outcome = "ama:Won" if won else "ama:Nominated"
            artist = self.artists[nominee]
            quote = f"{year}\t{category[1:-1]}\t{artist.name}\t{'winner' if won else 'nominee'}"
            row = self.evidence(quote)
            pairs: list[tuple[str, str | list[str]]] = [
                ("a", "ama:Nomination"),
                (
                    "rdfs:label",
                    lit(
                        f"{artist.name}, {category[1:-1]}, {year} ({outcome[4:].lower()})",
                        "en",
                    ),
                ),
                ("ama:nominee", self.artist(nominee, row)),
                ("ama:category", category),
                ("ama:ceremony", ceremony),
                ("ama:outcome", outcome),
            ]
            if lineage.kind == "album":
                pairs.append(("ama:work", self.work(p, row)))
            pairs.append(("prov:wasDerivedFrom", row))
            self.facts.node(
                f"<nomination/{p}/{year}/{category[10:-1].replace('/', '-')}/{nominee}>", *pairs
            )
            if won:
                self.wins[nominee] = self.wins.get(nominee, 0) + 1

    def work(self, p: int, row: str) -> str:
        self.works += 1
        iri = f"<work/{p}/{self.works}>"
        self.entity(iri, "ama:Work", f"Work {self.works}", row)
        return iri

    # ------------------------------------------------------------------ finish

    def params(self) -> dict[str, str]:
        """Canned-query parameters that hit this graph: its most winning group and artist."""
        solo = len(self.solo_weights)
        groups = [i for i in self.wins if i >= solo] or [solo]
        top_group = max(groups, key=lambda i: self.wins.get(i, 0))
        top = max(self.wins, key=self.wins.__getitem__) if self.wins else 0
        return {
            "artist": self.artists[top].name,
            "group": self.artists[top_group].name,
            "subject": self.artists[top].name,
            "category": self.first_category,
            "year": str(min(self.years, key=lambda y: abs(y - 2000))),
        }


MANIFEST = """# Synthetic benchmark graph written by bench/generate.py (not project data).
[graphs.asserted]
description = "Synthetic facts."
files = ["asserted.ttl"]

[graphs.provenance]
description = "Synthetic sources and dataset rows."
files = ["provenance.ttl"]
"""


def generate(scale: str, out: Path = OUT, seed: int = 1974) -> Path:
    """Write the graph of `scale` triples into out/<scale>/ and return that folder."""
    folder = out / scale
    generator = Generator(parse_scale(scale), folder, seed)
    for _ in generator.programs():
        pass
    generator.facts.close()
    generator.prov.close()
    (folder / "sources.toml").write_text(MANIFEST, encoding="utf-8")
    info = {"scale": scale, "triples": generator.triples, "params": generator.params()}
    (folder / "params.json").write_text(json.dumps(info, indent=2), encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", action="append", help="10k, 100k, 1M or a number (repeatable)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=1974)
    args = parser.parse_args(argv)
    for scale in args.scale or ["10k"]:
        folder = generate(scale, args.out, args.seed)
        info = json.loads((folder / "params.json").read_text(encoding="utf-8"))
        print(f"{scale}: {info['triples']} triples in {folder}")


if __name__ == "__main__":
    main()
