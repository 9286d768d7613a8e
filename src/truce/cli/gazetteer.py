"""``truce gazetteer ...``: look places up, and import a center's own place lists."""

from __future__ import annotations

from pathlib import Path

import click

from truce.cli.app import AppContext, cli, echo_json, pass_app


@cli.group()
def gazetteer() -> None:
    """Place names of the monitored area (GeoNames, OCHA) and registered sites."""


@gazetteer.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--admin", is_flag=True, help="FILES are admin-boundary GeoJSON (OCHA COD-AB).")
@click.option(
    "--replace/--add",
    default=None,
    help="Use only imported files instead of the shipped Syria gazetteer (default: add).",
)
@pass_app
def gazetteer_import(
    app: AppContext, files: tuple[Path, ...], admin: bool, replace: bool | None
) -> None:
    """Import GeoNames dumps (SY.txt layout), OCHA-style CSV or GeoJSON place lists."""
    from truce.geo.local import import_file

    directory = app.node().settings.home / "gazetteer"
    for path in files:
        done = import_file(directory, path, admin=admin, replace=replace)
        what = "admin units" if done.kind == "admin" else "places"
        click.echo(f"imported {done.places} {what} from {path}")


@gazetteer.command("lookup")
@click.argument("name")
@click.option("--admin1", help="The governorate the text is about (disambiguates).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def gazetteer_lookup(app: AppContext, name: str, admin1: str | None, as_json: bool) -> None:
    """Look NAME up as ingestion would: best matches first, with confidence."""
    from truce.ingest.places import node_gazetteer

    gaz = node_gazetteer(app.node())
    area = gaz.admin_area(name)
    matches = gaz.lookup(name, admin1=admin1)
    if as_json:
        echo_json(
            {
                "area": None if area is None else {"label": area.label, "pcode": area.pcode},
                "matches": [
                    {
                        "id": m.place.id,
                        "name": m.place.name,
                        "lat": str(m.place.lat),
                        "lon": str(m.place.lon),
                        "admin1": m.place.admin1,
                        "kind": m.place.kind,
                        "confidence": m.confidence_str(),
                        "method": m.method,
                    }
                    for m in matches
                ],
            }
        )
        return
    if area is not None:
        click.echo(f"area: {area.label} ({area.pcode}), geo precision {area.precision}")
    if not matches and area is None:
        click.echo(f"no place named {name!r}")
    for m in matches:
        p = m.place
        click.echo(
            f"{m.confidence_str():>5} {m.method:<10} {p.id:<18} {p.name} ({p.admin1}) "
            f"{p.lat}, {p.lon}  [{p.kind}]"
        )
