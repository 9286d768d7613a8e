// Release work in the app (issue 22): on an incident's page, the parties' sign-offs (approve
// or withhold) and the chair's publish or time-limited override with a reason; and the chair's
// console (#/console): the review queue at a glance, merge and split with a preview of the
// result, and the daily and weekly reports and the exports as downloads. Every action is one
// of the server's existing routes; the server checks who may do what again.

import { ApiError, api } from "./api.js";
import { announce, clear, field, h } from "./dom.js";
import { pointsDisagree } from "./incident.js";

function say(out, err) {
  out.setAttribute("role", "alert");
  out.className = "status error";
  out.textContent = err instanceof ApiError ? `Not done: ${err.message}${err.hint ? ` ${err.hint}` : ""}` : String(err);
}

function ok(out, text) {
  out.removeAttribute("role");
  out.className = "status ok";
  out.textContent = text;
  announce(text);
}

// -- on the incident page ---------------------------------------------------------------------
export function releaseSection(app, data, inc) {
  const user = app.user || {};
  const pub = data.publication;
  const offs = new Map((data.signoffs || []).map((s) => [s.party, s]));
  const parties = Object.entries(data.parties || {}).filter(([, p]) => p.kind === "party");
  const state = pub
    ? pub.basis === "override"
      ? `Published by the chair's override until ${pub.until}: “${pub.reason}”.`
      : "Published: every signatory party approved."
    : "Not published: the public cannot see it.";
  const out = h("p", { class: "status", role: "status", id: "release-status" });
  const section = h(
    "section",
    { class: "release", "aria-labelledby": "release-title", id: "release" },
    h("h2", { id: "release-title" }, "Release"),
    h("p", { id: "release-state" }, state),
    h(
      "ul",
      { id: "signoffs" },
      parties.map(([id, p]) => {
        const s = offs.get(id);
        return h("li", { dataset: { party: id, decision: s ? s.decision : "none" } }, h("strong", {}, p.name), s ? `: ${s.decision === "approve" ? "approves release" : "withholds"}${s.note ? ` — “${s.note}”` : ""}` : ": has not signed off");
      }),
    ),
  );
  const done = () => {
    app.mapChanged();
    setTimeout(() => app.route(), 600);
  };
  if (user.role === "officer" && user.party && parties.some(([id]) => id === user.party)) {
    const note = h("input", { id: "signoff-note", maxlength: 2000 });
    section.append(
      field(`Note with ${app.partyName(user.party)}'s sign-off (optional)`, note),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", id: "signoff-approve", onclick: () => act("approve") }, "Approve release"),
        h("button", { type: "button", class: "secondary", id: "signoff-withhold", onclick: () => act("withhold") }, "Withhold"),
      ),
    );
    async function act(decision) {
      out.textContent = "Signing…";
      try {
        await api.signOff(inc.id, decision, note.value.trim());
        ok(out, `${app.partyName(user.party)} ${decision === "approve" ? "approves" : "withholds"} the release of ${inc.id}.`);
        done();
      } catch (err) {
        say(out, err);
      }
    }
  }
  if (user.role === "chair") {
    const reason = h("textarea", { id: "override-reason", rows: 2, maxlength: 2000 });
    const hours = h("input", { type: "number", id: "override-hours", min: 1, max: 72, value: 24 });
    const missing = parties.filter(([id]) => !offs.get(id) || offs.get(id).decision !== "approve").map(([, p]) => p.name);
    section.append(
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", id: "publish", onclick: publish }, "Publish"),
        missing.length ? h("span", { class: "muted" }, `Waiting for the approval of ${missing.join(", ")}.`) : null,
      ),
      h(
        "details",
        { id: "override" },
        h("summary", {}, "Override: publish for a limited time without every approval"),
        field("Reason (on the record)", reason),
        field("For how many hours (1–72)", hours),
        h("button", { type: "button", id: "override-go", onclick: override }, "Override and publish"),
      ),
    );
    async function publish() {
      out.textContent = "Publishing…";
      try {
        await api.publish(inc.id);
        ok(out, `Published ${inc.id}.`);
        done();
      } catch (err) {
        say(out, err);
      }
    }
    async function override() {
      if (!reason.value.trim()) {
        reason.setAttribute("aria-invalid", "true");
        out.textContent = "";
        reason.focus();
        say(out, "An override needs its reason; it is published with it.");
        return;
      }
      try {
        await api.override(inc.id, reason.value.trim(), Number(hours.value));
        ok(out, `Published ${inc.id} by override for ${hours.value} h.`);
        done();
      } catch (err) {
        say(out, err);
      }
    }
  }
  section.append(out);
  return section;
}

// -- the chair's console ----------------------------------------------------------------------
export async function consolePage(app, container) {
  document.title = "Chair's console · truce";
  const page = h("div", { class: "console", id: "console" });
  container.append(page);
  page.append(
    h("h1", { id: "console-title", tabindex: "-1" }, "Chair's console"),
    h("p", { class: "muted" }, "Release work: the review queue, merging and splitting incidents (with a preview first), publishing, and the center's reports and exports."),
  );
  const [claims, incidents, formats] = await Promise.all([
    api.reviewClaims({ status: "pending", limit: 200 }).catch(() => []),
    api.incidentsList({ limit: 5000 }).catch(() => []),
    api.exportFormats().catch(() => []),
  ]);
  page.append(queueSection(claims), incidentsSection(app, incidents), reportsSection(formats, incidents));
  page.querySelector("h1").focus();
}

function queueSection(claims) {
  return h(
    "section",
    { "aria-labelledby": "queue-title", id: "console-queue" },
    h("h2", { id: "queue-title" }, `Review queue: ${claims.length} pending`),
    claims.length
      ? h(
          "ul",
          {},
          claims.slice(0, 8).map((c) => h("li", {}, h("a", { href: `#/review/${encodeURIComponent(c.id)}` }, c.id), ` ${c.title || c.summary || ""} — needs ${(c.needs || []).map((n) => n.field).join(", ") || "a decision"}`)),
        )
      : h("p", { class: "muted" }, "Nothing is waiting for review."),
    h("p", {}, h("a", { href: "#/review" }, "Open the review queue")),
  );
}

function incidentsSection(app, incidents) {
  const newest = [...incidents].sort((a, b) => b.first_index - a.first_index).slice(0, 60);
  const out = h("p", { class: "status", role: "status", id: "merge-status" });
  const preview = h("div", { class: "preview-box", id: "merge-preview", hidden: true, "aria-live": "polite" });
  const detail = h("div", { id: "incident-detail" });
  const text = h("input", { id: "merge-text", maxlength: 2000 });
  const rows = newest.map((i) =>
    h(
      "tr",
      { dataset: { incident: i.id } },
      h("td", {}, h("input", { type: "checkbox", class: "pick", value: i.id, "aria-label": `Select ${i.id} to merge` })),
      h("td", {}, h("a", { href: `#/incident/${encodeURIComponent(i.id)}` }, i.id)),
      h("td", {}, i.date_start === i.date_end ? i.date_start : `${i.date_start} … ${i.date_end}`),
      h("td", {}, i.sub_event_type),
      h("td", {}, i.place || i.area || "—"),
      h("td", {}, String(i.report_count)),
      h("td", {}, i.occurrence),
      h("td", {}, h("button", { type: "button", class: "secondary manage", onclick: () => manage(app, i, detail) }, "Release / split")),
    ),
  );
  const table = h(
    "table",
    { id: "console-incidents" },
    h("thead", {}, h("tr", {}, ["", "Incident", "Date", "Type", "Place", "Reports", "Grade", ""].map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", {}, rows),
  );
  const picked = () => [...table.querySelectorAll("input.pick:checked")].map((b) => b.value);
  let previewed = null;
  async function showPreview() {
    const ids = picked();
    previewed = null;
    if (ids.length < 2) {
      preview.hidden = true;
      say(out, "Select two incidents or more to merge.");
      return;
    }
    out.textContent = "";
    const pages = await Promise.all(ids.map((id) => api.incident(id)));
    const all = pages.flatMap((p) => p.reports);
    const oldest = pages.map((p) => p.incident).sort((a, b) => a.first_index - b.first_index)[0];
    const days = pages.flatMap((p) => [p.incident.date_start, p.incident.date_end]).sort();
    const places = [...new Set(pages.map((p) => p.incident.place || p.incident.area).filter(Boolean))];
    const points = all.map((r) => (r.report.locations && r.report.locations[0] && r.report.locations[0].point) || null);
    const apart = pointsDisagree(points);
    clear(preview).append(
      h("h3", {}, "Preview of the merge"),
      h("p", {}, `${ids.join(" + ")} become one incident, ${oldest.id} (the oldest keeps its id; the others point to it).`),
      h("p", {}, `It will hold ${all.length} report${all.length === 1 ? "" : "s"}: ${all.map((r) => `${r.id} (${r.author})`).join(", ")}.`),
      h("p", {}, `Dates ${days[0]}${days.at(-1) !== days[0] ? ` … ${days.at(-1)}` : ""}; places named: ${places.join("; ") || "none"}.`),
      apart
        ? h("p", { class: "error", id: "merge-disagree" }, "The reports' points are further apart than their stated errors allow: the merged incident keeps the most precise consistent location and shows the others as a disagreement (nothing is averaged).")
        : h("p", { class: "muted" }, "The reports' points agree within their stated errors."),
      h("p", { class: "muted" }, "Grades, casualties and violations are assessed again from all the reports once merged."),
      field("Why they are one event (on the record)", text),
      h("button", { type: "button", id: "merge-go", onclick: doMerge }, `Merge into ${oldest.id}`),
    );
    preview.hidden = false;
    previewed = ids;
    text.focus();
  }
  async function doMerge() {
    if (!previewed) return;
    out.textContent = "Merging…";
    try {
      const res = await api.merge(previewed, text.value.trim());
      ok(out, `Merged ${res.merged.join(", ")} into ${res.incident} (entry ${res.index}).`);
      preview.hidden = true;
      app.mapChanged();
    } catch (err) {
      say(out, err);
    }
  }
  return h(
    "section",
    { "aria-labelledby": "inc-title", id: "console-incidents-section" },
    h("h2", { id: "inc-title" }, "Incidents: merge, split, release"),
    h("p", { class: "muted" }, "Select incidents to merge and preview the result; or open one to split reports off it or to release it."),
    h("div", { class: "actions" }, h("button", { type: "button", id: "merge-preview-button", onclick: showPreview }, "Preview merge of the selected")),
    out,
    preview,
    detail,
    h("div", { class: "table-scroll", tabindex: "0", "aria-label": "Incidents, newest first" }, table),
  );
}

async function manage(app, inc, detail) {
  clear(detail).append(h("p", { class: "loading" }, `Loading ${inc.id}…`));
  const data = await api.incident(inc.id);
  const out = h("p", { class: "status", role: "status", id: "split-status" });
  const boxes = data.reports.map((r) =>
    h("label", { class: "check" }, h("input", { type: "checkbox", class: "split-pick", value: r.id }), ` ${r.id} (${r.author}): ${r.report.title || ""}`),
  );
  const why = h("input", { id: "split-text", maxlength: 2000 });
  const preview = h("div", { class: "preview-box", id: "split-preview", hidden: true });
  const picked = () => boxes.map((b) => b.querySelector("input")).filter((b) => b.checked).map((b) => b.value);
  function showSplit() {
    const moving = picked();
    const staying = data.reports.map((r) => r.id).filter((id) => !moving.includes(id));
    if (!moving.length || !staying.length) {
      preview.hidden = true;
      say(out, "Choose some of the reports to split off, not none or all.");
      return;
    }
    out.textContent = "";
    clear(preview).append(
      h("p", {}, `${moving.join(", ")} will form a new incident; ${inc.id} keeps ${staying.join(", ")}. Both are assessed again.`),
      h("button", { type: "button", id: "split-go", onclick: doSplit }, "Split"),
    );
    preview.hidden = false;
  }
  async function doSplit() {
    try {
      const res = await api.split(inc.id, picked(), why.value.trim());
      ok(out, `Split ${res.reports.join(", ")} off ${res.incident} into ${res.new}.`);
      preview.hidden = true;
      app.mapChanged();
    } catch (err) {
      say(out, err);
    }
  }
  clear(detail).append(
    h(
      "div",
      { class: "preview-box", id: "manage" },
      h("h3", {}, `${inc.id}: ${inc.sub_event_type}, ${inc.place || "no place"}`),
      releaseSection(app, data, inc),
      h(
        "section",
        { "aria-label": `Split ${inc.id}` },
        h("h3", {}, "Split"),
        data.reports.length > 1 ? [boxes, field("Why they describe another event (on the record)", why), h("button", { type: "button", class: "secondary", id: "split-preview-button", onclick: showSplit }, "Preview split"), preview] : h("p", { class: "muted" }, "One report: nothing to split."),
        out,
      ),
    ),
  );
  detail.querySelector("h3").scrollIntoView({ block: "start" });
}

function reportsSection(formats, incidents) {
  const latest = incidents.map((i) => i.date_end).sort().at(-1) || new Date().toISOString().slice(0, 10);
  const day = h("input", { type: "date", id: "report-day", value: latest });
  const links = h("div", { class: "actions", id: "report-links" });
  const fill = () => {
    const d = day.value;
    const week = new Date(Date.parse(`${d}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
    clear(links).append(
      h("a", { class: "button", id: "daily-pdf", href: api.situationUrl("daily", { date: d, format: "pdf" }), download: `truce-daily-${d}.pdf` }, "Daily report (PDF)"),
      h("a", { class: "button secondary", id: "daily-html", href: api.situationUrl("daily", { date: d, format: "html" }), target: "_blank", rel: "noopener" }, "Daily report (web page)"),
      h("a", { class: "button", id: "weekly-pdf", href: api.situationUrl("weekly", { date: d, format: "pdf" }), download: `truce-weekly-${d}.pdf` }, "Weekly report (PDF)"),
      formats
        .filter((f) => f.export)
        .map((f) => h("a", { class: "button secondary", href: api.exportUrl(f.name, { from: week, to: d }), download: `truce-${f.name}-${week}-${d}.${f.extension || "txt"}`, dataset: { format: f.name } }, `Export: ${f.title || f.name}`)),
    );
  };
  day.addEventListener("change", fill);
  fill();
  return h(
    "section",
    { "aria-labelledby": "reports-title-c", id: "console-reports" },
    h("h2", { id: "reports-title-c" }, "Reports and exports"),
    field("Day (the weekly report and the exports cover the 7 days to it)", day),
    links,
  );
}
