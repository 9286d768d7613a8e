"""A node's own gazetteer: the shipped one, plus place lists the center imported.

``truce gazetteer import FILE`` checks a GeoNames dump (``SY.txt`` layout), an OCHA-style CSV
or a GeoJSON place list (or, with ``--admin``, an OCHA COD-AB admin-boundary GeoJSON) by
building a gazetteer from it, so bad input is refused with its file and line before anything is
kept; the file is then kept in ``$TRUCE_HOME/gazetteer/places/`` (or ``admin/``). With imports
present, :func:`local_gazetteer` builds the node's gazetteer from the shipped sources and the
imported files together (records of one place in several files merge); ``--replace`` makes a
center elsewhere use only its own files. Sites registered in the ledger are added on top by
the caller (see ``truce.agreement.sites.register_sites``).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from truce.errors import ConflictError, ValidationError
from truce.geo.admin import AdminIndex
from truce.geo.build import (
    ADMIN_FILES,
    SOURCE_FILES,
    build_places,
    read_index,
    write_index,
)
from truce.geo.gazetteer import Gazetteer
from truce.geo.sources import read_places

__all__ = ["Imported", "import_file", "imported_files", "local_gazetteer"]

PLACE_SUFFIXES = (".txt", ".tsv", ".csv", ".geojson", ".json")
_CACHE: dict[tuple[str, tuple[tuple[str, float], ...]], Gazetteer] = {}


@dataclass(frozen=True)
class Imported:
    path: Path
    kind: str  # "places" or "admin"
    places: int


def _config(directory: Path) -> dict[str, bool]:
    path = directory / "config.json"
    if not path.exists():
        return {"replace": False}
    data: dict[str, bool] = json.loads(path.read_text(encoding="utf-8"))
    return data


def imported_files(directory: Path) -> tuple[list[Path], list[Path]]:
    """The imported place lists and admin files, in name order."""

    def listing(sub: str) -> list[Path]:
        folder = directory / sub
        return sorted(p for p in folder.iterdir() if p.is_file()) if folder.exists() else []

    return listing("places"), listing("admin")


def import_file(
    directory: Path, source: Path, *, admin: bool = False, replace: bool | None = None
) -> Imported:
    """Check ``source`` and keep a copy in ``directory``; raises naming the file and line."""
    if not source.exists():
        raise ValidationError(f"{source}: no such file")
    if not source.is_file():  # a copy is kept: a device or FIFO (/dev/zero) would never end
        raise ValidationError(f"{source}: not a regular file (a device, FIFO or directory)")
    if not admin and source.suffix.lower() not in PLACE_SUFFIXES:
        raise ValidationError(
            f"{source}: unknown place-list format {source.suffix!r}",
            hint="Use a GeoNames dump (.txt/.tsv), an OCHA-style .csv or a .geojson point list.",
        )
    if admin:
        checked = Gazetteer.from_files(places=[], admin=[source])
        count = len(checked.admin.units)
    else:
        checked = Gazetteer.from_files(places=[source], admin=[])
        count = len(checked)
    if count == 0:
        raise ValidationError(f"{source}: no places found", hint="Check the file's columns.")
    kind = "admin" if admin else "places"
    target = directory / kind / source.name
    if target.exists() and target.read_bytes() != source.read_bytes():
        raise ConflictError(
            f"{target.name} was already imported with other contents",
            hint="Rename the new file to keep both, or delete the old one from the gazetteer dir.",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    if replace is not None:
        (directory / "config.json").write_text(json.dumps({"replace": replace}), "utf-8")
    return Imported(target, kind, count)


def local_gazetteer(directory: Path) -> Gazetteer:
    """The node's gazetteer: a private copy of the shipped one, or (with imports) one built
    from the shipped and imported files together. Cached per directory state."""
    places, admin = imported_files(directory)
    if not places and not admin:
        return Gazetteer.default().copy()
    stamp = tuple((str(p), p.stat().st_mtime) for p in [*places, *admin])
    replace = _config(directory).get("replace", False)
    key = (str(directory) + (":replace" if replace else ""), stamp)
    if key not in _CACHE:
        _CACHE[key] = _load_or_build(directory, places, admin, replace, stamp)
    return _CACHE[key].copy()


def _load_or_build(
    directory: Path,
    places: list[Path],
    admin: list[Path],
    replace: bool,
    stamp: tuple[tuple[str, float], ...],
) -> Gazetteer:
    """Merging the shipped sources with imports takes seconds: keep the merged index on disk
    (``index.tsv``, rebuilt whenever the imported files or the names version change)."""
    base_admin = [] if replace and admin else list(ADMIN_FILES)
    admin_index = AdminIndex.from_geojson([*base_admin, *admin])
    index_path = directory / "index.tsv"
    stamp_path = directory / "index.stamp"
    wanted = json.dumps([replace, [name for name, _ in stamp], [m for _, m in stamp]])
    if index_path.exists() and stamp_path.exists() and stamp_path.read_text() == wanted:
        loaded = read_index(index_path, admin_index)
        if loaded is not None:
            return Gazetteer(loaded[0], admin_index, keys=loaded[1])
    base_places = [] if replace else list(SOURCE_FILES)
    records = [r for path in [*base_places, *places] for r in read_places(path)]
    built = build_places(records, admin_index)
    write_index(built, index_path)
    stamp_path.write_text(wanted)
    return Gazetteer(built, admin_index)
