"""The shadow's screening process: it answers what ``evaluate`` answers, runs at the lowest CPU priority,
refuses a folder that does not hold the revision asked for, is started again after it died, and ends
when stopped."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from riskguard.revisions.screener import NICE, Screener, ScreenerError
from riskguard.rulebook import ScreenInput, evaluate, load_rulebook

from .builders import ITEMS, tree


def _folders(root: Path) -> tuple[Path, Path]:
    return root / "rules", root / "policies"


@pytest.fixture
def screener() -> Iterator[Screener]:
    running = Screener(reply_seconds=120)
    yield running
    running.stop()


def test_it_answers_what_evaluate_answers_at_the_lowest_priority(tmp_path: Path, screener: Screener) -> None:
    folders = _folders(tree(tmp_path, candidate=True))
    book = load_rulebook(*folders)
    items = [ScreenInput(kind="ad", **item) for item in ITEMS]
    batch = [(item, None) for item in items] + [(items[0], "lenient")]
    expected = [(d.decision, d.rule_ids) for d in (evaluate(book, i, policy=p) for i, p in batch)]
    assert screener.screen(book.revision, folders, batch) == expected
    pid = screener._proc.pid  # type: ignore[union-attr]
    assert os.getpriority(os.PRIO_PROCESS, pid) == NICE
    assert not hasattr(os, "SCHED_IDLE") or os.sched_getscheduler(pid) == os.SCHED_IDLE
    assert screener.screen(book.revision, folders, []) == []


def test_a_folder_without_the_revision_is_refused(tmp_path: Path, screener: Screener) -> None:
    folders = _folders(tree(tmp_path))
    with pytest.raises(ScreenerError, match="ValueError"):
        screener.screen("0" * 64, folders, [(ScreenInput(text="最好的面霜"), None)])


def test_a_dead_process_is_started_again(tmp_path: Path, screener: Screener) -> None:
    folders = _folders(tree(tmp_path))
    revision = load_rulebook(*folders).revision
    batch = [(ScreenInput(text="最好的面霜"), None)]
    first = screener.screen(revision, folders, batch)
    dead = screener._proc
    dead.kill()  # type: ignore[union-attr]
    dead.wait()  # type: ignore[union-attr]
    assert screener.screen(revision, folders, batch) == first  # a new process
    assert screener._proc is not dead
    screener.stop()
    assert screener._proc is None and dead.returncode is not None  # type: ignore[union-attr]
