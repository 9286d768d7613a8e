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

// The ingestion library speaks to the command line ("pass --published"); here the same advice
// names the form's own field.
export function webAdvice(text) {
  const s = String(text || "");
  if (!/--published/.test(s)) return s;
  const bare = s.replace(/[;,]?\s*\(?pass --published( to be sure)?\)?/g, "").trim();
  return `${bare} — give the page's publication date in “Published on” above and ingest it again`;
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
    field("Published on (optional)", published, "The day the page appeared, when it does not say: claims dated “yesterday” or “on Tuesday” are resolved from it."),
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
      if (res.status === "invalid") throw new Error(webAdvice(res.error || "the document could not be read"));
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
                ` queued for review: ${(c.outcome.needs || []).map((n) => webAdvice(n.reason)).join("; ")}`,
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
