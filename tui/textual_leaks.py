"""A memory leak of Textual 8.2.8 that grows with every screen opened, closed here (imported with ml101's
Footer, tui/widgets/footer.py, which every screen has).

`StylesCache.get_inner_outer` is a method under `functools.lru_cache(1024)`, so the cache's keys hold up to
1024 StylesCache objects — one per widget ever drawn — with every line each of them had cached. Opening the
help draws ≈ 20 new widgets, so each opening kept ≈ 40 KB alive until a thousand more had been drawn
(≈ 20 MB after 500 openings). The colours it computes depend only on the two colours, so here the cache
is keyed by them alone and holds no widget.

(The Footer's own leak is fixed in tui/widgets/footer.py.)
"""

from __future__ import annotations

from functools import lru_cache

from textual._styles_cache import StylesCache
from textual.style import Style


@lru_cache(1024)
def _inner_outer(base_background, background) -> tuple[Style, Style]:
    """As Textual's: the inner and outer background styles."""
    return Style(background=base_background + background), Style(background=base_background)


def _get_inner_outer(self, base_background, background) -> tuple[Style, Style]:
    return _inner_outer(base_background, background)


StylesCache.get_inner_outer = _get_inner_outer
