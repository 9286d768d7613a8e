"""``truce evidence add|list|show``: the evidence locker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from truce.cli.app import AppContext, cli, echo_json, pass_app


def _line(r: dict[str, Any]) -> str:
    target = r["report_id"] or r["incident_id"] or ""
    flag = f"  ! {len(r['findings'])} finding{'s' if len(r['findings']) != 1 else ''}"
    return (
        f"{r['id']:<9} {r['sha256'][:12]}  {r['media_type']:<16} {r['size']:>10}  "
        f"{target:<9} {r['filename'][:40]}{flag if r['findings'] else ''}"
    )


@cli.group()
def evidence() -> None:
    """The evidence locker: attach photos, videos and documents to reports and incidents;
    list them and their findings."""


@evidence.command("add")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--report", help="The report it is attached to (R-..).")
@click.option("--incident", help="The incident it is attached to (I-..).")
@click.option("--as", "author", required=True, help="The party adding it (signs with its key).")
@click.option("--type", "declared", help="Its media type, checked against its content.")
@click.option("--name", "filename", help="The file name to record (default: FILE's own).")
@click.option("--description", default="", help="What it shows.")
@click.option("--graphic", is_flag=True, help="Graphic media: shown blurred until clicked.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def evidence_add(
    app: AppContext,
    file: Path,
    report: str | None,
    incident: str | None,
    author: str,
    declared: str | None,
    filename: str | None,
    description: str,
    graphic: bool,
    as_json: bool,
) -> None:
    """Attach FILE to a report or an incident: stored once by SHA-256, signed into the log.

    Its type is sniffed from its content (archives and contradictions are refused, nothing
    stored); its EXIF/XMP capture time, GPS and device, a video's keyframes, a PDF's pages and
    dates, and a C2PA manifest are read, and findings printed.
    """
    from truce.evidence.actions import add
    from truce.evidence.queries import one

    node = app.node()
    added = add(
        node,
        file,
        author,
        report=report,
        incident=incident,
        filename=filename,
        declared=declared,
        description=description,
        graphic=graphic,
        limit=app.settings.evidence_max_bytes,
    )
    with node.store.engine.connect() as conn:
        row = one(conn, added.id)
    if as_json:
        echo_json(row)
        return
    click.echo(f"added {added.id} sha256 {added.body.sha256} ({added.body.media_type})")
    for f in row["findings"]:
        click.echo(f"  ! {f['text']}")


@evidence.command("list")
@click.option("--report", help="Only what is attached to this report.")
@click.option("--incident", help="Only what belongs to this incident (and its reports).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def evidence_list(app: AppContext, report: str | None, incident: str | None, as_json: bool) -> None:
    """List attachments, oldest first."""
    from truce.evidence.queries import list_evidence

    with app.node().store.engine.connect() as conn:
        rows = list_evidence(conn, report=report, incident=incident)
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        click.echo(_line(r))
    if not rows:
        click.echo("no evidence")


@evidence.command("show")
@click.argument("sha")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def evidence_show(app: AppContext, sha: str, as_json: bool) -> None:
    """One file (by SHA-256, or an attachment by E-.. id): its metadata (a video's keyframe
    hashes, a document's pages and info, XMP, C2PA), attachments and findings."""
    from truce.errors import NotFoundError
    from truce.evidence.queries import for_sha, one

    with app.node().store.engine.connect() as conn:
        rows = [one(conn, sha)] if sha.startswith("E-") else for_sha(conn, sha)
    if not rows:
        raise NotFoundError(f"no evidence with SHA-256 {sha}", hint="List: 'truce evidence list'.")
    if as_json:
        echo_json(rows)
        return
    first = rows[0]
    click.echo(f"sha256    {first['sha256']}")
    click.echo(f"type      {first['media_type']}, {first['size']} bytes")
    if first["width"]:
        click.echo(f"pixels    {first['width']}×{first['height']}")
    if first["captured"]:
        click.echo(f"captured  {first['captured']} (as the camera says)")
    if first["lat"] is not None:
        click.echo(f"gps       {first['lat']:.6f}, {first['lon']:.6f}")
    if first["device"]:
        click.echo(f"device    {first['device']}")
    if first["dhash"]:
        click.echo(f"dhash     {first['dhash']}")
    for k, value in enumerate(first["keyframes"]):
        click.echo(f"{'keyframes' if k == 0 else '':<9} {value}")
    if first["pages"] is not None:
        click.echo(f"pages     {first['pages']}")
    for key, value in (first["document"] or {}).items():
        click.echo(f"{key:<9} {value}")
    for key, value in (first["xmp"] or {}).items():
        click.echo(f"xmp       {key} = {value}")
    if first["c2pa"]:
        _c2pa(first["c2pa"])
    for r in rows:
        target = r["report_id"] or r["incident_id"]
        now = r["incident_now"]
        within = f" (incident {now})" if now and r["report_id"] else ""
        click.echo(
            f"{r['id']}: {r['filename']} attached to {target}{within}"
            f" by {r['author']} at {r['added_at']}"
        )
        for f in r["findings"]:
            click.echo(f"  ! {f['text']}")


def _c2pa(c: dict[str, Any]) -> None:
    state = c["validation"] + (f" ({', '.join(c['errors'])})" if c.get("errors") else "")
    click.echo(f"c2pa      {state}; claim by {c.get('claim_generator') or 'an unnamed generator'}")
    if c.get("signer"):
        click.echo(
            f"          signed by {c['signer']}" + (f" at {c['signed']}" if c.get("signed") else "")
        )
    if c.get("assertions"):
        click.echo(f"          assertions: {', '.join(c['assertions'])}")


@evidence.command("bundle")
@click.argument("target")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The directory to write E-<n>.json into (created if missing).",
)
@pass_app
def evidence_bundle(app: AppContext, target: str, out_dir: Path) -> None:
    """Write the proof bundle of each file attached to TARGET (a report R-.. or an incident
    I-..: its own, its reports' and merged incidents') as OUT/E-<n>.json.

    Each bundle proves its evidence.added entry, and so the file's SHA-256 and size; a third
    party checks a copy with 'truce evidence verify FILE --bundle OUT/E-<n>.json'.
    """
    from truce.evidence.proof import bundles_for, dump_bundle

    found = bundles_for(app.node(), target)
    out_dir.mkdir(parents=True, exist_ok=True)
    for row, bundle in found:
        path = out_dir / f"{row['id']}.json"
        path.write_text(dump_bundle(bundle), encoding="utf-8")
        click.echo(f"wrote {path}: {row['filename']} sha256 {row['sha256']}")
    if not found:
        click.echo(f"no evidence attached to {target}; nothing written")


@evidence.command("verify")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--bundle",
    "bundle_path",
    required=True,
    type=click.Path(exists=True, path_type=Path),
    help="The proof bundle of the file's entry, or a directory of them "
    "('truce evidence bundle --out DIR').",
)
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Trust these keys instead of the ones inside the bundle.",
)
def evidence_verify(file: Path, bundle_path: Path, policy_file: Path | None) -> None:
    """Check offline that FILE is, byte for byte, a file attached to the record: the bundle
    proves its evidence.added entry, and FILE's SHA-256 and size are the entry's. Non-zero,
    naming the mismatch, if not."""
    from truce.evidence.proof import digest, find_bundle, load_bundle, verify_copy
    from truce.ledger.policy import Policy

    policy = Policy.from_file(policy_file) if policy_file else None
    if bundle_path.is_dir():
        bundle_path = find_bundle(bundle_path, digest(file)[0])
    result = verify_copy(load_bundle(bundle_path), file, policy=policy)
    click.echo(result.line(file.name))
    if result.proof.keys_from_bundle:
        click.echo(
            "note: checked with the keys inside the bundle; compare them with keys you trust, "
            "or pass --policy",
            err=True,
        )
