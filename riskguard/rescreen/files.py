"""Input discovery and content digests of the files a run read and wrote."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["FORMATS", "detect_format", "data_files", "tree_digest", "read_batches"]

FORMATS = ("parquet", "csv", "jsonl")
_SUFFIXES = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl",
             ".json": "jsonl"}


def data_files(path: Path) -> list[Path]:
    """The file itself, or a folder's files (as Spark writes them: hidden and ``_SUCCESS`` files skipped)."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file()
                  and not any(part.startswith((".", "_")) for part in p.relative_to(path).parts))


def detect_format(path: Path) -> str:
    files = data_files(path)
    for file in files:
        if (found := _SUFFIXES.get(file.suffix.lower())) is not None:
            return found
    raise ValueError("cannot tell the input format from its file names: give --format")


def tree_digest(path: Path) -> str:
    """``sha256:`` over each file's relative name and SHA-256, in name order: what exactly was read or
    written, whatever engine split it into files."""
    digest = hashlib.sha256()
    for file in data_files(path):
        inner = hashlib.sha256()
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                inner.update(block)
        rel = file.name if path.is_file() else file.relative_to(path).as_posix()
        digest.update(rel.encode() + b"\0" + inner.digest())
    return "sha256:" + digest.hexdigest()


def _dataset(path: Path, fmt: str) -> Any:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.dataset as ds

    files = [str(f) for f in data_files(path)]
    if fmt == "csv":  # ids and categories stay text ("00123" is not 123)
        text = dict.fromkeys(("id", "text", "kind", "category"), pa.string())
        return ds.dataset(files, format=ds.CsvFileFormat(convert_options=pacsv.ConvertOptions(column_types=text)))
    return ds.dataset(files, format="parquet")


def _json_lines(path: Path, size: int) -> Iterator[list[dict[str, Any]]]:
    """JSON lines read one by one: a column that first appears late in the file is still read (Arrow
    infers a JSON schema from the first block), and a line that is not an object is an invalid row."""
    from .rows import INPUT_COLUMNS

    rows: list[dict[str, Any]] = []
    for file in data_files(path):
        with file.open("r", encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except ValueError:
                    data = None
                rows.append({c: data.get(c) for c in INPUT_COLUMNS} if isinstance(data, dict) else {})
                if len(rows) >= size:
                    yield rows
                    rows = []
    if rows:
        yield rows


def read_batches(path: Path, fmt: str, size: int) -> Iterator[list[dict[str, Any]]]:
    """The input rows in lists of about ``size``, only the columns screening reads."""
    from .rows import INPUT_COLUMNS

    if fmt == "jsonl":
        yield from _json_lines(path, size)
        return
    dataset = _dataset(path, fmt)
    columns = [c for c in INPUT_COLUMNS if c in dataset.schema.names]
    rows: list[dict[str, Any]] = []
    for batch in dataset.to_batches(columns=columns, batch_size=size):
        rows.extend(batch.to_pylist())
        while len(rows) >= size:
            yield rows[:size]
            rows = rows[size:]
    if rows:
        yield rows
