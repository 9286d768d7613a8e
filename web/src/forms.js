// Forms: file a report, ingest a page, plan a patrol. Each posts to the server, which validates
// with the same models as the CLI; an error names the field and is shown beside the form.

import { ApiError, api } from "./api.js";
import { announce, field, h, select } from "./dom.js";

function status() {
  return h("p", { class: "status", role: "status", id: "form-status" });
}

function showError(out, err) {
  out.setAttribute("role", "alert");
  out.className = "status error";
  out.textContent = err instanceof ApiError ? `Not saved: ${err.message}${err.field ? ` (field: ${err.field})` : ""}` : String(err);
}

function num(v) {
  return v === "" || v === null || v === undefined ? null : Number(v);
}

export function reportForm(app, container) {
  const vocab = app.vocabData;
  const types = Object.keys(vocab.event_types);
  const typeSel = select("event_type", types, "Explosions/Remote violence", { id: "r-type", required: true });
  const subSel = h("select", { name: "sub_event_type", id: "r-sub", required: true });
  const fillSubs = () => {
    subSel.replaceChildren(...vocab.event_types[typeSel.value].map((s) => h("option", { value: s }, s)));
  };
  typeSel.addEventListener("change", fillSubs);
  fillSubs();
  const today = new Date().toISOString().slice(0, 10);
  const inputs = {
    title: h("input", { name: "title", id: "r-title", maxlength: 500, required: true }),
    start: h("input", { type: "date", name: "start", id: "r-start", value: today, required: true }),
    end: h("input", { type: "date", name: "end", id: "r-end" }),
    place: h("input", { name: "place", id: "r-place", maxlength: 500, required: true }),
    admin1: select("admin1", ["", "Idlib", "Hama", "Aleppo", "Latakia"], "", { id: "r-admin1" }),
    lat: h("input", { type: "number", name: "lat", id: "r-lat", step: "any", min: -90, max: 90 }),
    lon: h("input", { type: "number", name: "lon", id: "r-lon", step: "any", min: -180, max: 180 }),
    error: h("input", { type: "number", name: "error_m", id: "r-error", min: 0, value: 1000 }),
    precision: select("precision", [["1", "1 — the named town"], ["2", "2 — near the town / part of a region"], ["3", "3 — a larger region"]], "1", { id: "r-precision" }),
    perpetrator: h("input", { name: "perpetrator", id: "r-perp", maxlength: 500 }),
    target: h("input", { name: "target", id: "r-target", maxlength: 500 }),
    killed: h("input", { type: "number", name: "killed", id: "r-killed", min: 0 }),
    injured: h("input", { type: "number", name: "injured", id: "r-injured", min: 0 }),
    source: h("input", { name: "source", id: "r-source", maxlength: 500, required: true }),
    sourceKind: select("source_kind", ["party", "monitor", "outlet", "official", "ngo", "social_media", "witness"], app.user && app.user.role === "monitor" ? "monitor" : "party", { id: "r-source-kind" }),
    reliability: select("reliability", ["A", "B", "C", "D", "E", "F"], "F", { id: "r-rel" }),
    credibility: select("credibility", ["1", "2", "3", "4", "5", "6"], "6", { id: "r-cred" }),
    text: h("textarea", { name: "text", id: "r-text", rows: 4, maxlength: 20000 }),
  };
  const out = status();
  const form = h(
    "form",
    { class: "form wide", id: "report-form", "aria-labelledby": "report-title" },
    h("h1", { id: "report-title", tabindex: "-1" }, `File a report${app.user && app.user.party ? ` for ${app.partyName(app.user.party)}` : ""}`),
    h("p", { class: "muted" }, "The report is signed with your party's key and appended to the ledger; it cannot be edited afterwards, only answered."),
    h(
      "fieldset",
      {},
      h("legend", {}, "What"),
      field("Title", inputs.title),
      field("Event type (ACLED)", typeSel),
      field("Sub-event type", subSel),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "When"),
      field("Date (or first day)", inputs.start),
      field("Last day, if a span", inputs.end, "Leave empty for a single day."),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Where"),
      field("Place", inputs.place),
      field("Governorate", inputs.admin1),
      field("Latitude", inputs.lat, "Decimal degrees, e.g. 35.7361"),
      field("Longitude", inputs.lon, "Decimal degrees, e.g. 36.6754"),
      field("Uncertainty (metres)", inputs.error),
      field("Geo precision (ACLED)", inputs.precision),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Who and harm"),
      field("Perpetrator", inputs.perpetrator, "As reported; leave empty if unknown."),
      field("Target", inputs.target),
      field("Civilians killed", inputs.killed),
      field("Civilians injured", inputs.injured),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Source (Admiralty code)"),
      field("Source name", inputs.source),
      field("Source kind", inputs.sourceKind),
      field("Reliability", inputs.reliability),
      field("Credibility", inputs.credibility),
    ),
    field("Narrative", inputs.text),
    h("button", { type: "submit" }, "Sign and file report"),
    out,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const v = (k) => inputs[k].value.trim();
    const where = { place: v("place"), precision: Number(v("precision")) };
    if (v("admin1")) where.admin1 = v("admin1");
    if (v("lat") !== "" || v("lon") !== "") {
      where.point = { lat: v("lat"), lon: v("lon"), error_m: num(v("error")) ?? 0 };
    }
    const actors = [];
    if (v("perpetrator")) actors.push({ name: v("perpetrator"), role: "perpetrator" });
    if (v("target")) actors.push({ name: v("target"), role: "target" });
    const casualties = [];
    if (v("killed") !== "") casualties.push({ category: "civilians", kind: "killed", low: Number(v("killed")), best: Number(v("killed")) });
    if (v("injured") !== "") casualties.push({ category: "civilians", kind: "injured", low: Number(v("injured")), best: Number(v("injured")) });
    const report = {
      title: v("title"),
      event_type: typeSel.value,
      sub_event_type: subSel.value,
      date: { start: v("start"), end: v("end") || v("start"), precision: 1 },
      locations: [where],
      actors,
      casualties,
      sources: [{ name: v("source"), kind: v("sourceKind"), reliability: v("reliability"), credibility: Number(v("credibility")) }],
      text: inputs.text.value,
    };
    out.textContent = "Signing and filing…";
    try {
      const res = await api.fileReport(report);
      // The server answers with the report's id; its incident comes from the projection.
      const incident = res.incident || (await api.report(res.id).catch(() => ({}))).incident_id;
      out.removeAttribute("role");
      out.className = "status ok";
      out.textContent = `Filed ${res.id}${incident ? ` (incident ${incident})` : ""}.`;
      announce(`Report ${res.id} filed`);
      await app.mapChanged();
      window.location.hash = incident ? `#/map?focus=${encodeURIComponent(incident)}` : "#/map";
    } catch (err) {
      showError(out, err);
      if (err.field) {
        const el = form.querySelector(`[name="${err.field.split(".").pop()}"]`);
        if (el) el.focus();
      }
    }
  });
  container.append(form);
  form.querySelector("h1").focus();
}

export function ingestForm(app, container) {
  const url = h("input", { type: "url", name: "url", id: "i-url", placeholder: "https://…" });
  const outlet = h("input", { name: "outlet", id: "i-outlet", maxlength: 200 });
  const published = h("input", { type: "date", name: "published", id: "i-published" });
  const file = h("input", { type: "file", name: "file", id: "i-file", accept: ".html,.htm,.txt,text/html,text/plain" });
  const text = h("textarea", { name: "text", id: "i-text", rows: 10, placeholder: "Paste the page's HTML or text here" });
  const out = status();
  const results = h("div", { class: "results", id: "ingest-results", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "form wide", id: "ingest-form", "aria-labelledby": "ingest-title" },
    h("h1", { id: "ingest-title", tabindex: "-1" }, "Ingest a page"),
    h("p", { class: "muted" }, "Upload a saved page or paste its text. truce extracts dated, located, attributed claims and files them as reports of the outlet, citing the page by its SHA-256. The same page twice is recognised and not filed again."),
    field("Upload a file", file),
    field("…or paste the page", text),
    field("Address it was read from (optional)", url, "Recorded with the evidence; nothing is fetched."),
    field("Outlet (optional)", outlet, "Who published it, if the page does not say."),
    field("Published on (optional)", published),
    h("button", { type: "submit" }, "Ingest"),
    out,
    results,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    let bytes;
    let name;
    if (file.files.length) {
      bytes = await file.files[0].arrayBuffer();
      name = file.files[0].name.replace(/[\\/]/g, "_") || "upload";
    } else if (text.value.trim()) {
      bytes = new TextEncoder().encode(text.value);
      name = text.value.trimStart().startsWith("<") ? "pasted.html" : "pasted.txt";
    } else {
      showError(out, "Choose a file or paste a page first.");
      return;
    }
    const params = { name };
    if (url.value) params.url = url.value;
    if (outlet.value.trim()) params.outlet = outlet.value.trim();
    if (published.value) params.published = published.value;
    out.textContent = "Reading…";
    results.replaceChildren();
    try {
      const res = await api.ingest(bytes, params);
      const reports = res.reports || [];
      if (res.status === "invalid") throw new Error(res.error || "the document could not be read");
      out.className = "status ok";
      out.removeAttribute("role");
      out.textContent =
        res.status === "duplicate"
          ? "Already ingested: this page's SHA-256 is on record; nothing new was filed."
          : `Ingested: ${(res.claims || []).length} claim${(res.claims || []).length === 1 ? "" : "s"} read, ${reports.length} report${reports.length === 1 ? "" : "s"} filed, ${(res.queued || []).length} queued for review.`;
      const incidents = await Promise.all(reports.map((r) => api.report(r).then((x) => x.incident_id, () => null)));
      results.append(
        h(
          "ul",
          {},
          reports.map((r, k) =>
            h("li", {}, `${r}`, incidents[k] ? [" — ", h("a", { href: `#/incident/${encodeURIComponent(incidents[k])}` }, `incident ${incidents[k]}`)] : null),
          ),
          (res.claims || [])
            .filter((c) => c.outcome && c.outcome.status === "queued")
            .map((c) =>
              h(
                "li",
                { class: "muted" },
                h("a", { href: `#/review/${encodeURIComponent(c.outcome.id)}` }, c.outcome.id),
                ` queued for review: ${(c.outcome.needs || []).map((n) => n.reason).join("; ")}`,
              ),
            ),
        ),
      );
      announce(out.textContent);
      app.mapChanged();
    } catch (err) {
      showError(out, err);
    }
  });
  container.append(form);
  form.querySelector("h1").focus();
}

export function patrolForm(app, container) {
  const now = new Date(Date.now() + 86_400_000);
  const local = (d) => d.toISOString().slice(0, 16);
  const parties = app.parties.filter((p) => p.kind === "party" || p.kind === "monitor");
  const inputs = {
    id: h("input", { name: "id", id: "p-id", required: true, pattern: "[A-Za-z0-9][A-Za-z0-9._-]{0,63}", placeholder: "P-2020-03-15-m4" }),
    name: h("input", { name: "name", id: "p-name", required: true, maxlength: 200 }),
    start: h("input", { type: "datetime-local", name: "start", id: "p-start", value: local(now), required: true }),
    end: h("input", { type: "datetime-local", name: "end", id: "p-end", value: local(new Date(now.getTime() + 4 * 3_600_000)), required: true }),
    route: h("textarea", { name: "route_wkt", id: "p-route", rows: 6, required: true, placeholder: "36.6190 35.8260\n36.7012 35.8005\n36.8003 35.7720" }),
    notes: h("textarea", { name: "notes", id: "p-notes", rows: 2, maxlength: 2000 }),
    approximate: h("input", { type: "checkbox", name: "approximate", id: "p-approx" }),
  };
  const boxes = parties.map((p) =>
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "parties", value: p.id, checked: app.user && app.user.party === p.id }), p.name),
  );
  const out = status();
  const form = h(
    "form",
    { class: "form wide", id: "patrol-form", "aria-labelledby": "patrol-title" },
    h("h1", { id: "patrol-title", tabindex: "-1" }, "Plan a joint patrol"),
    field("Patrol id", inputs.id),
    field("Name", inputs.name),
    h("fieldset", {}, h("legend", {}, "Participating parties"), boxes),
    field("Start (UTC)", inputs.start),
    field("End (UTC)", inputs.end),
    field("Route", inputs.route, "One point per line: longitude then latitude, in decimal degrees (at least two points)."),
    h("div", { class: "field" }, h("label", { class: "check" }, inputs.approximate, "The route is approximate")),
    field("Notes", inputs.notes),
    h("button", { type: "submit" }, "Sign and file plan"),
    out,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const points = inputs.route.value
      .split("\n")
      .map((l) => l.trim().split(/[\s,]+/).filter(Boolean))
      .filter((p) => p.length);
    const bad = points.findIndex((p) => p.length !== 2 || p.some((x) => !Number.isFinite(Number(x))));
    if (bad >= 0 || points.length < 2) {
      showError(out, bad >= 0 ? `Route line ${bad + 1} is not "longitude latitude".` : "A route needs at least two points.");
      inputs.route.focus();
      return;
    }
    const plan = {
      id: inputs.id.value.trim(),
      name: inputs.name.value.trim(),
      parties: [...form.querySelectorAll('input[name="parties"]:checked')].map((b) => b.value),
      route_wkt: `LINESTRING (${points.map((p) => p.join(" ")).join(", ")})`,
      start: `${inputs.start.value}:00Z`,
      end: `${inputs.end.value}:00Z`,
      approximate: inputs.approximate.checked,
      notes: inputs.notes.value,
    };
    out.textContent = "Signing and filing…";
    try {
      const res = await api.planPatrol(plan);
      out.className = "status ok";
      out.removeAttribute("role");
      out.replaceChildren(
        `Planned ${plan.id}${res && res.index !== undefined ? ` (entry ${res.index})` : ""}. `,
        h("a", { href: "#/map" }, "See it on the map"),
      );
      announce(`Planned ${plan.id}`);
      await app.mapChanged(true);
    } catch (err) {
      showError(out, err);
    }
  });
  container.append(form);
  form.querySelector("h1").focus();
}
