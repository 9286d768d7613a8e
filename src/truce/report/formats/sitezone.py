"""Sites and zones of the agreement: import (GeoJSON, CSV, HXL) and export (GeoJSON, HXL).

Import reuses the agreement capability's loaders (:func:`truce.agreement.sites.read_sites`,
:func:`truce.agreement.zones.read_zones`): the same checks as ``truce site add`` / ``truce zone
add`` (area of interest, swapped coordinates, polygon repair). Those loaders check a file as a
whole and stop at its first bad feature, so ``--on-invalid skip`` cannot keep part of such a file.

Import also takes OCHA/HDX files (:mod:`truce.report.formats.remap`): a column map
(``--map ADM3_PCODE=id``), a default kind, and features wholly outside the area of interest
counted and skipped with one note instead of stopping the import.

Export writes what import reads, so a file exported here imports back to the same sites and
zones: sites as GeoJSON Point features (properties ``id``, ``name``, ``kind``, ``names``,
``org``, ``admin1``, ``approximate``, ``source``, ``notes``) or HXL-tagged CSV (``#loc+code``,
``#loc+name``, ``#loc+type``, ``#geo+lat``, ``#geo+lon``, ``#loc+name+alt``, ``#org``,
``#adm1``, ``#meta+approximate``, ``#meta+source``, ``#description``); zones as GeoJSON Polygon
or MultiPolygon features (RFC 7946) with ``id``, ``name``, ``kind``, ``valid_from``,
``valid_to``, ``approximate``, ``source``, ``notes``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from truce.errors import TooLarge, TruceError
from truce.report.formats.layout import polygon_geometry, position, write_collection
from truce.report.read import Event
from truce.report.registry import (
    ExportContext,
    ExportResult,
    Format,
    ImportContext,
    ImportItem,
    ImportPlan,
    Problem,
    register_format,
)
from truce.spreadsheet import neutralise_row

__all__ = ["export_sites_geojson", "export_sites_hxl", "export_zones_geojson"]

SITE_HXL: tuple[tuple[str, str, str], ...] = (
    ("id", "ID", "#loc+code"),
    ("name", "Name", "#loc+name"),
    ("kind", "Kind", "#loc+type"),
    ("lat", "Latitude", "#geo+lat"),
    ("lon", "Longitude", "#geo+lon"),
    ("names", "Other names", "#loc+name+alt"),
    ("org", "Organisation", "#org"),
    ("admin1", "Governorate", "#adm1+name"),
    ("approximate", "Approximate", "#meta+approximate"),
    ("source", "Source", "#meta+source"),
    ("notes", "Notes", "#description"),
)


def _need_snapshot(context: ExportContext) -> Any:
    if context.snapshot is None:
        raise TruceError("this format exports from a snapshot; call it through run_export")
    return context.snapshot


def _site_properties(site: Any) -> dict[str, Any]:
    return {
        "id": site.id,
        "name": site.name,
        "kind": site.kind.value,
        "names": list(site.names),
        "org": site.org,
        "admin1": site.admin1,
        "approximate": site.approximate,
        "source": site.source,
        "notes": site.notes,
    }


def export_sites_geojson(
    events: Iterable[Event], stream: TextIO, context: ExportContext
) -> ExportResult:
    sites = _need_snapshot(context).site_models()
    features = [
        {
            "type": "Feature",
            "id": site.id,
            "geometry": {"type": "Point", "coordinates": position(site.lon, site.lat)},
            "properties": _site_properties(site),
        }
        for site in sites
    ]
    write_collection(stream, features)
    return ExportResult(written=len(features))


def export_sites_hxl(
    events: Iterable[Event], stream: TextIO, context: ExportContext
) -> ExportResult:
    sites = _need_snapshot(context).site_models()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([header for _, header, _ in SITE_HXL])
    writer.writerow([tag for _, _, tag in SITE_HXL])
    for site in sites:
        values = _site_properties(site)
        values["lat"], values["lon"] = format(site.lat, "f"), format(site.lon, "f")
        values["names"] = "; ".join(site.names)
        values["approximate"] = "yes" if site.approximate else "no"
        row = [str(values[name]) for name, _, _ in SITE_HXL]
        writer.writerow(neutralise_row(row, (name in ("lat", "lon") for name, _, _ in SITE_HXL)))
    return ExportResult(written=len(sites))


def export_zones_geojson(
    events: Iterable[Event], stream: TextIO, context: ExportContext
) -> ExportResult:
    zones = _need_snapshot(context).zones()
    features = []
    for z in zones:
        props: dict[str, Any] = {"id": z.id, "name": z.name, "kind": z.kind}
        if z.valid_from:
            props["valid_from"] = z.valid_from
        if z.valid_to:
            props["valid_to"] = z.valid_to
        props.update({"approximate": z.approximate, "source": z.source, "notes": z.notes})
        geometry = polygon_geometry(z.wkt)
        features.append({"type": "Feature", "id": z.id, "geometry": geometry, "properties": props})
    write_collection(stream, features)
    return ExportResult(written=len(features))


def _loader_problem(exc: TruceError) -> Problem:
    return Problem(0, exc.field or "", exc.message)


def import_sites(path: Path, context: ImportContext) -> ImportPlan:
    from truce.agreement.sites import read_sites
    from truce.report.formats.remap import prepare

    plan = ImportPlan(per_row=False)
    with prepare(path, context.options.get("map"), context.options.get("kind")) as ready:
        try:
            load = read_sites(ready.path)
        except TooLarge:
            raise  # over a cap: its own message and hint (how to raise it), not a bad feature
        except TruceError as exc:
            plan.problems.append(_loader_problem(exc))
            return plan
    plan.rows = len(load.sites) + ready.outside
    plan.skipped = ready.outside
    plan.notes.extend([*ready.notes, *load.notes])
    plan.items = [
        ImportItem(i + 1, "site.registered", site, site.id) for i, site in enumerate(load.sites)
    ]
    return plan


def import_zones(path: Path, context: ImportContext) -> ImportPlan:
    from truce.agreement.zones import read_zones
    from truce.report.formats.remap import prepare

    plan = ImportPlan(per_row=False)
    with prepare(path, context.options.get("map"), context.options.get("kind")) as ready:
        try:
            load = read_zones(ready.path, on_invalid=context.options.get("repair", "repair"))
        except TooLarge:
            raise  # over a cap: its own message and hint (how to raise it), not a bad feature
        except TruceError as exc:
            plan.problems.append(_loader_problem(exc))
            return plan
    plan.rows = len(load.zones) + ready.outside
    plan.skipped = ready.outside
    plan.notes.extend([*ready.notes, *load.notes])
    plan.items = [
        ImportItem(i + 1, "zone.defined", zone, zone.id) for i, zone in enumerate(load.zones)
    ]
    return plan


for _fmt in (
    Format(
        name="sites",
        title="Sites as GeoJSON (import also reads CSV and HXL)",
        media_type="application/geo+json",
        extension="geojson",
        export=export_sites_geojson,
        import_=import_sites,
        spec="RFC 7946; properties as truce site add reads them",
        subject="sites",
    ),
    Format(
        name="sites-hxl",
        title="Sites as HXL-tagged CSV",
        media_type="text/csv",
        extension="csv",
        export=export_sites_hxl,
        import_=import_sites,
        spec="HXL 1.1 (hxlstandard.org)",
        subject="sites",
    ),
    Format(
        name="zones",
        title="Zones as GeoJSON",
        media_type="application/geo+json",
        extension="geojson",
        export=export_zones_geojson,
        import_=import_zones,
        spec="RFC 7946; properties as truce zone add reads them",
        subject="zones",
    ),
):
    register_format(_fmt)
