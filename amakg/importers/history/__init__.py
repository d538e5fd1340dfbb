"""The AMA history dataset (data/sources/ama-history/*.jl) -> three Turtle graphs and a report.

Each JSON line is one entry of an English Wikipedia "American Music Award for ..." page: a
category (the page title), a ceremony year, one or more artists with their /wiki/ links, whether
they won, and for album pages the album. The import (amakg.importers.history.importer.run_import)

1. reads the rows (a row that cannot be read is dropped, with its reason, never silently): rows;
2. resolves artists and works: one entity per Wikipedia link; a row without a link joins the one
   entity of the same normalized name (amakg.naming.normalize), if there is exactly one; the
   article graph's entities are matched the same way (its DBpedia links, else its labels).
   Pairs that cannot be decided (one name, several links; near-identical names) are reported as
   ambiguous and never merged, unless a curation correction merges them: entities, artists,
   works;
3. gives each row its ceremony (the year's; a year split by a curation decision gets its
   ceremonies in page order, where the rows allow it) and category (the page's name, or the
   name the article graph uses in the same lineage that year): placement;
4. writes one ama:Nomination per nominee x category x ceremony (artists nominated together get
   one each), derived from its row(s); rows naming the same nomination twice are merged and
   reported: nominations, graph, provenance; and finds the defects: defects;
5. writes nominations.ttl (asserted graph), provenance.ttl (provenance graph), links.ttl (links
   graph) and import-report.json / import-report.md, each atomically: report, writer.

Curation (data/curation/*.ttl) is data the import reads, never code (context): ama:splitInto
lists the ceremonies of a year in order; ama:corrects names a nomination whose outcome the
curation states (the row's outcome is then not written); ama:merges names the mentions of one
artist (Wikipedia pages, rows without a link). Without curation the import is raw: every defect
of the rows shows in the graph (see queries/qc/*violation*.rq). defaults holds the repository's
locations (data/sources/ama-history -> data/history).
"""

from __future__ import annotations

from .defaults import article_graph, curation_graph, history_dir, import_default, output_dir
from .defects import Defects
from .importer import Imported, import_history, run_import
from .report import ImportReport

__all__ = [
    "Defects",
    "ImportReport",
    "Imported",
    "article_graph",
    "curation_graph",
    "history_dir",
    "import_default",
    "import_history",
    "output_dir",
    "run_import",
]
