"""Content negotiation: which of the formats a resource offers suits a request.

An offer is (media type, format name); the formats are those of amakg.formats, plus "html".
A ?format=NAME parameter overrides the Accept header. Malformed media ranges and q-values are
ignored, so a request with nothing usable gets a 406, never a 500.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .. import formats

Offer = tuple[str, str]  # (media type, format name)

SELECT_OFFERS: tuple[Offer, ...] = formats.offers("select")
ASK_OFFERS: tuple[Offer, ...] = formats.offers("ask")
GRAPH_OFFERS: tuple[Offer, ...] = formats.offers("graph")
HTML_OFFER: Offer = ("text/html", "html")
OFFERS_BY_KIND = {"select": SELECT_OFFERS, "ask": ASK_OFFERS, "graph": GRAPH_OFFERS}


class UnknownFormat(ValueError):
    """A ?format= value that names none of the offered formats."""


def media_ranges(header: str | None) -> list[tuple[str, str, float]]:
    """The media ranges of an Accept header as (type, subtype, q); none given means */*."""
    if header is None or not header.strip():
        return [("*", "*", 1.0)]
    ranges = []
    for part in header.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        kind, slash, subtype = media.lower().partition("/")
        if not slash or not kind or not subtype or (kind == "*" and subtype != "*"):
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = -1.0
        if math.isfinite(q) and 0.0 <= q <= 1.0:
            ranges.append((kind, subtype, q))
    return ranges


def quality(offer: str, ranges: Sequence[tuple[str, str, float]]) -> float:
    """The q the client gives a media type: that of the most specific range matching it."""
    kind, _, subtype = offer.partition("/")
    best, specificity = 0.0, -1
    for r_kind, r_subtype, q in ranges:
        if (r_kind, r_subtype) == (kind, subtype):
            level = 2
        elif r_kind == kind and r_subtype == "*":
            level = 1
        elif (r_kind, r_subtype) == ("*", "*"):
            level = 0
        else:
            continue
        if level > specificity:
            best, specificity = q, level
    return best


def choose(accept: str | None, offers: Sequence[Offer], fmt: str | None = None) -> Offer | None:
    """The offer to answer with (server order breaks ties), or None when nothing fits.

    `fmt` (a ?format= value) wins over the header; an unknown one raises UnknownFormat.
    """
    if fmt:
        wanted = formats.alias(fmt)
        names = (wanted, "rdf-xml") if wanted == "xml" else (wanted,)  # xml: results, else RDF/XML
        for name in names:
            for offer in offers:
                if offer[1] == name:
                    return offer
        raise UnknownFormat(
            f"format {fmt!r} is not offered here; use one of: "
            + ", ".join(dict.fromkeys(name for _, name in offers))
        )
    ranges = media_ranges(accept)
    scored = [(quality(media, ranges), -i, (media, name)) for i, (media, name) in enumerate(offers)]
    q, _, offer = max(scored)
    return offer if q > 0 else None


def describe_offers(offers: Sequence[Offer]) -> str:
    return ", ".join(media for media, _ in offers)
