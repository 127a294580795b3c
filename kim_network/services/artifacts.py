"""Files that every worker and app server maps read-only: the shared projection and analytics.

Built once per graph version by one process and published into a folder (next to the store,
or `KIM_SHARED_DIR`), then opened by every worker with `numpy.load(mmap_mode="r")`: the
operating system keeps one copy of the pages, whatever the number of workers, and a worker
that restarts answers at once from the files.

The format is generic over what is saved, so whoever adds a matrix to the projection or a
field to a snapshot needs no change here:

- the object is pickled, except that every numpy array (of numbers, at least
  `MIN_MAPPED_BYTES`) found anywhere in it, inside scipy sparse matrices, dataclasses, dicts,
  lists or scikit-learn models alike, is written to its own `.npy` file and mapped on load;
- locks are not data: each one is saved as a marker and comes back as a new lock;
- `manifest.json` says what the folder holds (format, key, bytes, when and how fast built).

A version is published by writing a temporary folder and renaming it into place, so a reader
sees a complete version or none. The folder must be writable by the app's own user only: what
is in it is loaded as code would be (pickle).
"""
from __future__ import annotations

import io
import json
import logging
import os
import pickle
import shutil
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

# What a published folder's objects look like; files of another format are not read (rebuilt).
# 2: the projection's node lists are NodeTables, and the search index is published too.
# 3: node tables and the served map keep their columns as `core.columns` Codes and Strings.
# 4: the search index keeps its names and the skills' broader closure (what a patch after a write needs).
FORMAT = 4
MIN_MAPPED_BYTES = 16 * 1024
_LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()))
_OBJECTS = "objects.pkl"
_MANIFEST = "manifest.json"


_loading = threading.local()  # the folder being loaded and its arrays, for `_mapped`


def _mapped(name: str) -> np.ndarray:
    """Unpickling hook: the array saved as `name` in the folder being loaded, mapped read-only."""
    arrays = _loading.arrays
    if name not in arrays:
        if "/" in name or name.startswith("."):
            raise pickle.UnpicklingError(f"bad array name {name!r}")
        array = np.load(_loading.folder / name, mmap_mode="r" if _loading.mmap else None, allow_pickle=False)
        # A plain ndarray over the mapping: the memmap subclass would leak into every result.
        arrays[name] = array.view(np.ndarray) if isinstance(array, np.memmap) else array
    return arrays[name]


def _new_lock(reentrant: bool):
    return threading.RLock() if reentrant else threading.Lock()


class _Pickler(pickle.Pickler):
    """Pickles an object with its large numeric arrays written to `.npy` files beside it.

    `reducer_override` sees every object but plain dicts, lists, tuples, strings and numbers
    (which need no hook), and pickle's memo keeps an array shared by two fields saved once.
    """

    def __init__(self, file, folder: Path):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.folder = folder
        self.count = 0
        self.bytes = 0

    def reducer_override(self, obj):
        if isinstance(obj, np.ndarray):
            if type(obj) not in (np.ndarray, np.memmap) or obj.dtype.hasobject or obj.nbytes < MIN_MAPPED_BYTES:
                return NotImplemented
            name = f"a{self.count:05d}.npy"
            self.count += 1
            np.save(self.folder / name, np.ascontiguousarray(obj), allow_pickle=False)
            self.bytes += obj.nbytes
            return _mapped, (name,)
        if isinstance(obj, _LOCK_TYPES):  # not data: a fresh lock on load
            return _new_lock, (isinstance(obj, type(threading.RLock())),)
        # Sparse matrices in canonical form (sorted, no duplicates) never sort themselves in
        # place later, which a read-only mapping would refuse.
        fmt = getattr(obj, "format", None)
        if fmt in ("csr", "csc") and hasattr(obj, "has_canonical_format") and not obj.has_canonical_format:
            canonical = obj.copy()
            canonical.sum_duplicates()
            return canonical.__reduce_ex__(pickle.HIGHEST_PROTOCOL)
        return NotImplemented


def save(obj: Any, folder: Path) -> int:
    """Write `obj` into the (new, empty) `folder`; returns the bytes written."""
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    pickler = _Pickler(buffer, folder)
    pickler.dump(obj)
    (folder / _OBJECTS).write_bytes(buffer.getvalue())
    return pickler.bytes + buffer.tell()


def load(folder: Path, mmap: bool = True) -> Any:
    """Read what `save` wrote; numeric arrays are mapped read-only unless `mmap=False`."""
    _loading.folder, _loading.mmap, _loading.arrays = Path(folder), mmap, {}
    try:
        with open(Path(folder) / _OBJECTS, "rb") as fh:
            return pickle.load(fh)
    finally:
        _loading.arrays = {}


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


@dataclass
class Published:
    """One published version: its key, folder and manifest."""

    key: str
    path: Path
    manifest: dict


class Shelf:
    """Versions of one kind of artifact (e.g. `projection`) in `root/<name>/<key>/`.

    Keys are the caller's (store uid and graph version); `latest` orders by publication.
    """

    def __init__(self, root: str | os.PathLike, name: str, keep: int = 2) -> None:
        self.root = Path(root) / name
        self.name = name
        self.keep = keep

    def path(self, key: str) -> Path:
        if not key or "/" in key or key.startswith("."):
            raise ValueError(f"bad artifact key {key!r}")
        return self.root / key

    def find(self, key: str) -> Published | None:
        """The published version `key`, or None (also when its manifest is unreadable)."""
        folder = self.path(key)
        try:
            manifest = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if manifest.get("format") != FORMAT:
            return None
        return Published(key, folder, manifest)

    def published(self, prefix: str = "") -> list[Published]:
        """Every complete version whose key starts with `prefix`, oldest first."""
        try:
            names = [p.name for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")]
        except OSError:
            return []
        found = [f for f in (self.find(n) for n in names if n.startswith(prefix)) if f is not None]
        return sorted(found, key=lambda f: (f.manifest.get("published_at", 0), f.key))

    def publish(self, key: str, obj: Any, **info: Any) -> Published:
        """Write `obj` as version `key` (atomically: a temporary folder renamed into place).

        If another process published the same key first, its version is kept and returned.
        """
        final = self.path(key)
        existing = self.find(key)
        if existing is not None:
            return existing
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".{key}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
        started = time.perf_counter()
        try:
            save(obj, tmp)
            manifest = {"format": FORMAT, "name": self.name, "key": key, "published_at": time.time(),
                        "save_seconds": round(time.perf_counter() - started, 3), "bytes": folder_bytes(tmp),
                        "pid": os.getpid(), **info}
            (tmp / _MANIFEST).write_text(json.dumps(manifest, indent=1, default=str), encoding="utf-8")
            try:
                os.rename(tmp, final)
            except OSError:
                if self.find(key) is None:
                    raise
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        self.prune()
        published = self.find(key)
        assert published is not None
        return published

    def prune(self) -> None:
        """Keep the newest `keep` versions of each cache key (e.g. each analytics level). A worker
        still mapping a removed one keeps reading it: on POSIX a mapped file lives until unmapped."""
        by_key: dict[str, list[Published]] = {}
        for found in self.published():
            by_key.setdefault(str(found.manifest.get("cache_key")), []).append(found)
        for versions in by_key.values():
            for old in versions[:-self.keep]:
                shutil.rmtree(old.path, ignore_errors=True)
        try:
            for stale in self.root.glob(".*"):
                if time.time() - stale.stat().st_mtime > 3600:  # a writer that died
                    shutil.rmtree(stale, ignore_errors=True)
        except OSError:
            pass

    def load(self, published: Published) -> Any:
        return load(published.path)
