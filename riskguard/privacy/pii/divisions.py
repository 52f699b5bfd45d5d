"""China's administrative divisions, read from the table jionlp ships (``china_location.zip``).

jionlp's table is kept up to date by its author (provinces, prefecture-level cities, counties with their
short names, and towns), which is why it is used rather than a table of our own or cpca's (last data
2020). Only the data file is read: importing jionlp itself prints a banner and loads far more than a
lookup needs. Villages (two thirds of a million names) are left out; the address grammar finds them by
their suffix (村, 社区, 组).

``Divisions`` holds the names by level and an Aho-Corasick automaton over all of them, built once per
process on first use.
"""

from __future__ import annotations

import importlib.util
import threading
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import ahocorasick_rs

__all__ = ["PROVINCE", "CITY", "COUNTY", "TOWN", "Division", "Divisions", "divisions"]

PROVINCE, CITY, COUNTY, TOWN = 1, 2, 3, 4
_lock = threading.Lock()
_loaded: Divisions | None = None


@dataclass(frozen=True, slots=True)
class Division:
    name: str  # as written in text: a full name (杭州市) or a short one (杭州)
    level: int
    short: bool


_NONE = Division("", 0, False)


def _table_path() -> Path:
    spec = importlib.util.find_spec("jionlp")  # locates the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("jionlp is not installed: it ships the table of administrative divisions")
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary" / "china_location.zip"


def _read_table(path: Path) -> list[Division]:
    with zipfile.ZipFile(path) as archive:
        raw = archive.read("china_location.txt").decode("utf-8")
    seen: dict[str, Division] = {}

    def add(name: str, level: int, short: bool) -> None:
        if len(name) < 2:
            return
        old = seen.get(name)
        # a name that is both (吉林 province and city; 朝阳 in several places) keeps its highest level, and
        # counts as a full name if it is one anywhere
        if old is None or level < old.level or (old.short and not short and level == old.level):
            seen[name] = Division(name, level, short)

    for line in raw.split("\n"):
        if line.startswith("\t\t\t\t") or not line.strip():
            continue  # villages
        depth = len(line) - len(line.lstrip("\t"))
        fields = line.strip().split("\t")
        level = depth + 1
        add(fields[0], level, False)
        if len(fields) >= 3 and fields[2] != fields[0]:
            add(fields[2], level, True)
    return list(seen.values())


class Divisions:
    def __init__(self, entries: list[Division]) -> None:
        self.entries = entries
        self.by_name = {d.name: d for d in entries}
        self.automaton = ahocorasick_rs.AhoCorasick([d.name for d in entries])

    @cached_property
    def provinces(self) -> frozenset[str]:
        return frozenset(d.name for d in self.entries if d.level == PROVINCE)

    @cached_property
    def cities(self) -> frozenset[str]:
        return frozenset(d.name for d in self.entries if d.level == CITY)

    def at(self, text: str) -> dict[int, list[Division]]:
        """Every division name in ``text``, by start offset (overlapping matches included)."""
        out: dict[int, list[Division]] = {}
        entries = self.entries
        for index, start, _end in self.automaton.find_matches_as_indexes(text, overlapping=True):
            out.setdefault(start, []).append(entries[index])
        return out

    def head_length(self, address: str, keep: str) -> int:
        """How many leading characters of ``address`` are its province (``keep="province"``) or its
        province and city (``keep="city"``); 0 for ``keep="none"`` or when it starts with neither."""
        if keep == "none":
            return 0
        pos = 0
        for names, wanted in ((self.provinces, "province"), (self.cities, "city")):
            sizes = range(2, min(9, len(address) - pos + 1))
            best = max((n for n in sizes if address[pos:pos + n] in names), default=0)
            if best and any(n > best and self.by_name.get(address[pos:pos + n], _NONE).level > CITY for n in sizes):
                best = 0  # 朝阳区 is a district, though 朝阳 alone is a city in Liaoning
            if best:
                pos += best
            if wanted == keep:
                break
        return pos


def divisions() -> Divisions:
    """The shared table, loaded on first use (about half a second)."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = Divisions(_read_table(_table_path()))
    return _loaded
