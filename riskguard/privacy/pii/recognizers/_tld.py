"""Public-suffix checks from tldextract's bundled snapshot, with no network and no cache directory.

tldextract's module-level extractor fetches the public suffix list on first use. ``OFFLINE`` reads only
the snapshot shipped inside the package; ``install_offline_extractor`` makes the module-level
``tldextract.extract`` (used by Presidio's own CnEmailRecognizer) use it too.
"""

from __future__ import annotations

from functools import lru_cache

import tldextract
import tldextract.tldextract as _impl

__all__ = ["OFFLINE", "has_public_suffix", "install_offline_extractor"]

OFFLINE = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def install_offline_extractor() -> None:
    _impl.TLD_EXTRACTOR = OFFLINE


@lru_cache(maxsize=8192)
def has_public_suffix(host: str) -> bool:
    """True when ``host`` ends in a known public suffix and has a registrable name before it."""
    parts = OFFLINE(host.lower())
    return bool(parts.suffix) and bool(parts.domain)
