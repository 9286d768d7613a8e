"""The situation report as one self-contained HTML page (inline SVG charts, inline CSS).

No scripts, no external fonts or images: the page prints the same anywhere and Chromium's
print-to-PDF renders it as the PDF (:mod:`truce.report.pdf`). The only time in it is the time of
the last ledger entry it was built from; rebuilding from the same ledger size gives the same
bytes.
"""

from __future__ import annotations

from html import escape
from typing import Any

from truce.errors import ValidationError
from truce.model import CasualtyKind
from truce.report.basemap import ATTRIBUTION
from truce.report.codes import casualty_total
from truce.report.read import Event
from truce.report.situation import SituationReport

__all__ = ["render_html"]

#: The paper sizes a report prints to (CSS ``@page size`` names).
PAPERS = ("A4", "letter")

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 9pt; color: #222; margin: 0; }
main { max-width: 100%; margin: 0 auto; }
h1 { font-size: 15pt; margin: 0 0 2pt 0; }
h2 { font-size: 11pt; border-bottom: 1.5pt solid #2c3e50; padding-bottom: 2pt; margin: 14pt 0 6pt; }
.sub { color: #555; margin: 0 0 6pt 0; }
.cite { border: 0.75pt solid #bbb; background: #f7f7f7; padding: 5pt 7pt; font-size: 8pt; }
.cite code { font-size: 7.5pt; word-break: break-all; }
.figures { display: flex; flex-wrap: wrap; gap: 6pt; margin: 6pt 0; }
.fig { border: 0.75pt solid #ccc; padding: 4pt 8pt; min-width: 28mm; }
.fig b { display: block; font-size: 14pt; }
.fig span { color: #555; font-size: 7.5pt; }
.charts { display: flex; flex-wrap: wrap; gap: 4pt; }
.charts svg { width: 92mm; height: auto; }
.map svg { width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 7.8pt; table-layout: fixed; }
th, td { overflow-wrap: anywhere; hyphens: auto; }
thead { display: table-header-group; }
h2 { break-after: avoid; page-break-after: avoid; }
th, td { border-bottom: 0.5pt solid #ccc; text-align: left; vertical-align: top; padding: 2pt 3pt; }
th { background: #eef1f4; }
tr { page-break-inside: avoid; }
.grade { font-weight: bold; white-space: nowrap; }
.none { color: #666; font-style: italic; }
.small { font-size: 7.5pt; color: #555; }
section { page-break-inside: auto; }
"""


def _figure(value: Any, label: str) -> str:
    return f'<div class="fig"><b>{escape(str(value))}</b><span>{escape(label)}</span></div>'


def _casualties(e: Event) -> str:
    parts = []
    for name, kind in (("killed", CasualtyKind.KILLED), ("injured", CasualtyKind.INJURED)):
        low = casualty_total(e.report, kind, "low")
        if low is None:
            continue
        high = casualty_total(e.report, kind, "high")
        span = str(low) if high == low else f"{low}–{high}" if high is not None else f"{low}+"
        parts.append(f"{name} {span}")
    return ", ".join(parts) or "none reported"


def _when(e: Event) -> str:
    d = e.report.date
    text = d.start.isoformat() if d.start == d.end else f"{d.start} to {d.end}"
    return text + (
        "" if int(d.precision) == 1 else " (week)" if int(d.precision) == 2 else " (month)"
    )


def _incident_rows(rep: SituationReport) -> str:
    rows = []
    for e in rep.events:
        r = e.report
        loc = r.location
        place = loc.place or loc.area or "—"
        if loc.admin1:
            place += f", {loc.admin1}"
        perpetrators = [a.name for a in r.actors if a.role.value == "perpetrator"]
        violations = rep.violations_for(e.id)
        responses = "<br>".join(
            f"<b>{escape(s.author)}</b>: {escape(s.kind)}"
            + (f" ({escape(s.field or '')} = {escape(s.value or '')})" if s.field else "")
            + (f" — {escape(s.text)}" if s.text else "")
            for s in e.responses
        )
        rows.append(
            "<tr>"
            f"<td>{escape(e.id)}</td>"
            f"<td>{escape(_when(e))}</td>"
            f"<td>{escape(place)}</td>"
            f"<td>{escape(r.sub_event_type)}<br><span class='small'>"
            f"{escape(r.title or '')}<br>by: {escape('; '.join(perpetrators) or 'not named')}"
            "</span></td>"
            f"<td>{escape(_casualties(e))}</td>"
            f"<td><span class='grade'>{escape(e.occurrence or 'ungraded')}</span><br>"
            f"<span class='small'>{len(e.report_ids)} report(s): "
            f"{escape(', '.join(e.authors))}</span></td>"
            f"<td>{escape(', '.join(v['clause_id'] + ': ' + v['status'] for v in violations))}"
            "</td>"
            f"<td>{responses or '<span class=none>none</span>'}</td>"
            "</tr>"
        )
    if not rows:
        return "<p class='none'>No incidents recorded for the period.</p>"
    head = (
        "<tr><th style='width:8%'>Incident</th><th style='width:10%'>Date</th>"
        "<th style='width:12%'>Place</th><th style='width:22%'>Type, perpetrator (as reported)"
        "</th><th style='width:10%'>Casualties</th><th style='width:11%'>Occurrence</th>"
        "<th style='width:11%'>Violations</th><th style='width:16%'>Responses</th></tr>"
    )
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def _violations(rep: SituationReport) -> str:
    if rep.violations is None:
        return (
            "<p class='none'>Not available: this build of truce has no agreement rules engine; "
            "no violations were computed.</p>"
        )
    if not rep.violations:
        return "<p class='none'>None recorded: no incident of the period breaks an adopted clause."
    rows = "".join(
        "<tr>"
        f"<td>{escape(v['incident_id'])}</td><td>{escape(v['agreement_id'])} / "
        f"{escape(v['clause_id'])}</td><td>{escape(v['clause_text'])}</td>"
        f"<td>{escape(v['status'])}</td><td>{escape(v['certainty'])}</td>"
        f"<td>{escape(v['relation'])} {escape(str(v.get('target_name') or ''))}"
        f"{' (' + str(v['distance_m']) + ' m)' if v.get('distance_m') else ''}</td>"
        "</tr>"
        for v in rep.violations
    )
    head = (
        "<tr><th>Incident</th><th>Clause</th><th>Text</th><th>Status</th><th>Certainty</th>"
        "<th>Where</th></tr>"
    )
    return f"<table><thead>{head}</thead><tbody>{rows}</tbody></table>"


def _patrols(rep: SituationReport) -> str:
    if rep.patrols is None:
        return "<p class='none'>Not available: this build of truce records no patrols.</p>"
    if not rep.patrols:
        return "<p class='none'>None recorded for the period.</p>"
    observed: dict[str, list[dict[str, Any]]] = {}
    for o in rep.observations or ():
        observed.setdefault(o["patrol_id"], []).append(o)
    rows = []
    for p in rep.patrols:
        obs = "<br>".join(
            f"{escape(o['time'][11:16])} {escape(o['kind'].replace('_', ' '))}"
            + (f" ({escape(o['report_id'])})" if o.get("report_id") else "")
            + (f" by {escape(o['denied_by'])}" if o.get("denied_by") else "")
            + (f": {escape(o['text'])}" if o.get("text") else "")
            for o in observed.get(p["id"], [])
        )
        rows.append(
            f"<tr><td>{escape(p['id'])}</td><td>{escape(p['name'])}</td>"
            f"<td>{escape(str(p['parties']).strip('[]').replace(chr(34), ''))}</td>"
            f"<td>{escape(p['start'])} – {escape(p['end'])}</td>"
            f"<td>{obs or '<span class=none>no observation filed</span>'}</td></tr>"
        )
    head = "<tr><th>Patrol</th><th>Name</th><th>Parties</th><th>Window</th><th>Observed</th></tr>"
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


def _evidence(rep: SituationReport) -> str:
    if not rep.new_evidence:
        return "<p class='none'>None attached during the period.</p>"
    rows = []
    for r in rep.new_evidence:
        attached = r["report_id"] or r["incident_id"] or ""
        now = r["incident_now"]
        within = f" (incident {now})" if now and r["report_id"] else ""
        n = len(r["findings"])
        found = "<br>".join(escape(f["text"]) for f in r["findings"])
        rows.append(
            f"<tr><td>{escape(r['id'])}</td><td>{escape(r['added_at'])}</td>"
            f"<td>{escape(r['media_type'])}<br><span class='small'>{escape(r['filename'])}, "
            f"{r['size']} bytes</span></td>"
            f"<td>{escape(attached + within)}<br><span class='small'>by "
            f"{escape(r['author'])}</span></td>"
            f"<td>{n}{'<br><span class=small>' + found + '</span>' if n else ''}</td>"
            f"<td><code class='small'>{escape(r['sha256'])}</code></td></tr>"
        )
    head = (
        "<tr><th style='width:8%'>Evidence</th><th style='width:14%'>Attached</th>"
        "<th style='width:16%'>Type</th><th style='width:14%'>To</th>"
        "<th style='width:24%'>Findings</th><th>SHA-256</th></tr>"
    )
    return (
        f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"
        "<p class='small'>E-<i>n</i> is the "
        f"<code>evidence.added</code> entry <i>n</i> of the ledger cited above (size "
        f"{rep.state.size}); its proof bundle proves the file: <code>truce evidence bundle</code>"
        ", <code>truce evidence verify</code>.</p>"
    )


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (quotes, backslashes and ``<`` escaped, so a ledger's
    origin can neither end the string nor the ``<style>`` element)."""
    out = []
    for ch in text:
        if ch in '\\"<>' or ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _page_css(rep: SituationReport, paper: str) -> str:
    """The page box: its size, and the citation and page number in every page's footer (CSS
    page-margin boxes, which Chromium prints)."""
    if paper not in PAPERS:
        raise ValidationError(f"paper {paper!r} is not one of {', '.join(PAPERS)}", field="paper")
    state = rep.state
    cite = f"{state.origin} · size {state.size} · root {state.root_b64}"
    box = "font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 6.5pt; color: #555;"
    return (
        f"@page {{ size: {paper}; margin: 14mm 12mm 16mm 12mm;"
        f" @bottom-left {{ content: {_css_string(cite)}; {box} vertical-align: top; }}"
        f' @bottom-right {{ content: "page " counter(page) " of " counter(pages); {box}'
        " vertical-align: top; } }\n"
    )


def render_html(rep: SituationReport, *, paper: str = "A4") -> str:
    """The report as one HTML page, laid out for ``paper`` (A4 or letter) when printed."""
    # matplotlib takes a second to import: only commands that draw charts pay for it.
    from truce.report.charts import (
        casualty_chart,
        grade_chart,
        map_svg,
        violation_chart,
        zone_chart,
    )

    f = rep.figures
    state = rep.state
    map_text, map_notes = map_svg(rep)
    violation_svg = violation_chart(rep)
    grades = ", ".join(f"{n} {g}" for g, n in sorted(f.by_grade.items())) or "none"
    figures = "".join(
        (
            _figure(f.incidents, "incidents"),
            _figure(f.reports, "reports behind them"),
            _figure("n/a" if f.violations is None else f.violations, "violations"),
            _figure(f.killed, "killed (lowest–highest)"),
            _figure(f.civilians_killed, "civilians killed"),
            _figure(f.injured, "injured"),
            _figure(f.responses, "party responses"),
            _figure("n/a" if f.patrols is None else f.patrols, "patrols"),
        )
    )
    zone = f" — zone: {escape(rep.zone.name)}" if rep.zone else ""
    notes = "".join(f"<li>{escape(n)}</li>" for n in [*rep.notes, *map_notes])
    charts = [zone_chart(rep), grade_chart(rep), casualty_chart(rep)]
    if violation_svg is not None:
        charts.insert(2, violation_svg)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(rep.title)}</title>",
        f"<style>{_page_css(rep, paper)}{CSS}</style></head><body><main>",
        "<header>",
        "<p class='sub'>Joint ceasefire coordination center</p>",
        f"<h1>{escape(rep.title)}{zone}</h1>",
        f"<p class='sub'>Incidents dated {escape(rep.period.label())}; grades: "
        f"{escape(grades)}.</p>",
        "<div class='cite'>Built from the ledger <b>"
        f"{escape(state.origin)}</b> at size <b>{state.size}</b>, root hash "
        f"<code>{escape(state.root_b64)}</code> (hex <code>{escape(state.root_hex)}</code>); "
        f"last entry {escape(state.time)}. Anyone holding this log can rebuild this report "
        f"and check its figures: <code>{escape(rep.rebuild_command())}</code></div>",
        "</header>",
        "<section><h2>Summary</h2>",
        f"<div class='figures'>{figures}</div>",
        "<p class='small'>Casualty figures are ranges: the sum of the lowest figure any "
        'report gives and the sum of the highest ("or more" when a report gives no upper '
        "bound). Perpetrators are as reported, not attributed by the center.</p></section>",
        "<section><h2>Map</h2>",
        f"<div class='map'>{map_text}</div>",
        f"<p class='small'>{escape(ATTRIBUTION)} Zones and sites as recorded in the ledger.</p>",
        "</section>",
        f"<section><h2>Trend, {escape(rep.trend_days[0].isoformat())} to "
        f"{escape(rep.trend_days[-1].isoformat())}</h2>",
        f"<div class='charts'>{''.join(charts)}</div>",
        "<p class='small'>An incident spanning several days is counted on its first day in "
        "the window; the report's own days are highlighted.</p></section>",
        f"<section><h2>Incidents ({f.incidents})</h2>{_incident_rows(rep)}</section>",
        f"<section><h2>Violations</h2>{_violations(rep)}</section>",
        f"<section><h2>Patrols</h2>{_patrols(rep)}</section>",
        f"<section><h2>New evidence ({len(rep.new_evidence)})</h2>{_evidence(rep)}</section>",
    ]
    if notes:
        parts.append(f"<section><h2>Notes</h2><ul class='small'>{notes}</ul></section>")
    parts.append("</main></body></html>\n")
    return "\n".join(parts)
