// The incident page: reports side by side with their disagreements, the grade and its reasons,
// the parties' responses (and a form to respond), violations, and ledger proofs checked here.

import { ApiError, api } from "./api.js";
import { announce, clear, field, h, select } from "./dom.js";
import { commentsSection, isMember, tasksSection } from "./collab.js";
import { evidenceSection } from "./evidence.js";
import { ProofError, checkBundle } from "./proof.js";
import { releaseSection } from "./console.js";
import { historySection } from "./review.js";
import { GRADE_COLORS, GRADE_LABELS } from "./style.js";

const PIN_KEY = "truce.logKey";

function fmtDate(d) {
  if (!d) return "—";
  const p = d.precision === 2 ? " (week)" : d.precision === 3 ? " (month)" : "";
  return (d.start === d.end ? d.start : `${d.start} … ${d.end}`) + p;
}

function loc(r) {
  return (r.locations && r.locations[0]) || {};
}

function actors(r, role) {
  return (r.actors || []).filter((a) => a.role === role).map((a) => a.name).sort().join("; ") || "—";
}

function casualties(r, kind) {
  const rows = (r.casualties || []).filter((c) => c.kind === kind);
  if (!rows.length) return "—";
  return rows
    .map((c) => {
      const best = c.best ?? c.low;
      const range = c.high !== undefined && c.high !== null && c.high !== c.low ? ` (${c.low}–${c.high})` : "";
      return `${best}${range} ${c.category}`;
    })
    .join("; ");
}

/** The fields compared across reports: label, how to read it, and whether a difference counts. */
const FIELDS = [
  ["Date", (r) => fmtDate(r.date), null, "date"],
  ["Sub-event type", (r) => r.sub_event_type, null, "event_type"],
  ["Modality", (r) => r.modality || "occurred"],
  ["Place", (r) => loc(r).place || loc(r).area || "—", null, "place"],
  [
    "Coordinates",
    (r) => {
      const p = loc(r).point;
      return p ? `${Number(p.lat).toFixed(4)}, ${Number(p.lon).toFixed(4)} ± ${p.error_m} m` : "—";
    },
    (rs) => pointsDisagree(rs.map((r) => loc(r).point)),
  ],
  ["Perpetrator", (r) => actors(r, "perpetrator"), null, "perpetrator"],
  ["Target", (r) => actors(r, "target"), null, "target"],
  ["Killed", (r) => casualties(r, "killed")],
  ["Injured", (r) => casualties(r, "injured")],
  ["Sources", (r) => (r.sources || []).map((s) => `${s.name} (${s.reliability || "F"}${s.credibility || 6})`).join("; ")],
];

// Two points disagree when they are further apart than their stated errors allow.
export function pointsDisagree(points) {
  const ps = points.filter(Boolean);
  for (let a = 0; a < ps.length; a++) {
    for (let b = a + 1; b < ps.length; b++) {
      const dy = (Number(ps[a].lat) - Number(ps[b].lat)) * 111195;
      const dx = (Number(ps[a].lon) - Number(ps[b].lon)) * 111195 * Math.cos((Number(ps[a].lat) * Math.PI) / 180);
      if (Math.hypot(dx, dy) > ps[a].error_m + ps[b].error_m + 500) return true;
    }
  }
  return false;
}

export async function renderIncident(app, container, id) {
  container.append(h("p", { class: "loading" }, `Loading ${id}…`));
  let data;
  try {
    data = await api.incident(id);
  } catch (err) {
    clear(container).append(h("p", { class: "error", role: "alert" }, err.message));
    return;
  }
  const inc = data.incident;
  const reports = data.reports;
  const grade = inc.occurrence;
  clear(container);
  const page = h("article", { class: "incident-page", "aria-labelledby": "incident-title" });
  container.append(page);
  // Element.append would write a missing section as the text "null".
  const sections = [
    h("p", {}, h("a", { href: `#/map?focus=${encodeURIComponent(inc.id)}` }, "← Back to the map")),
    h("h1", { id: "incident-title", tabindex: "-1" }, `${inc.id}: ${inc.sub_event_type}`),
    h(
      "p",
      { class: "lede" },
      `${inc.place || "No place name"} · ${inc.date_start === inc.date_end ? inc.date_start : `${inc.date_start} … ${inc.date_end}`} · ${inc.report_count} report${inc.report_count === 1 ? "" : "s"}`,
    ),
    gradeSection(inc, grade),
    comparison(reports, data.parties, data.assessment),
    whySection(reports, data.assessment),
    evidenceSection(app, inc, reports),
    historySection(app, reports),
    responsesSection(app, data, inc),
    isMember(app.user) ? commentsSection(app, inc) : null,
    isMember(app.user) ? tasksSection(app, inc) : null,
    violationsSection(data.violations),
    app.user && app.user.role !== "public" && app.user.role !== "analyst" ? releaseSection(app, data, inc) : null,
    proofSection(data),
  ];
  page.append(...sections.filter(Boolean));
  page.querySelector("h1").focus();
}

function reasonList(items) {
  const list = (Array.isArray(items) ? items : items ? [items] : []).map((r) =>
    typeof r === "string" ? r : r.text || JSON.stringify(r),
  );
  return list.length ? h("ul", { class: "reasons" }, list.map((r) => h("li", {}, r))) : null;
}

function gradeSection(inc, grade) {
  // truce.assess stores its reasons per question: {occurrence: [...], attribution: [...], ...}.
  const reasons = inc.reasons && !Array.isArray(inc.reasons) && typeof inc.reasons === "object" ? inc.reasons : { occurrence: inc.reasons };
  const attribution = inc.attribution && typeof inc.attribution === "object" ? inc.attribution : {};
  const state = inc.attribution_state || attribution.state;
  const who = inc.responsible || attribution.responsible;
  const rows = [
    h("div", { class: "grade-row" }, h("h3", {}, "Did it happen? ", h("span", { class: "badge", id: "grade", style: `background:${GRADE_COLORS[grade] || "#777"}` }, GRADE_LABELS[grade] || grade)), reasonList(reasons.occurrence) || h("p", { class: "muted" }, "The assessment has given no reasons for this grade yet.")),
  ];
  if (state || reasons.attribution) {
    rows.push(
      h("div", { class: "grade-row" }, h("h3", {}, "Who is held responsible? ", h("span", { class: "tag" }, `${(state || "not assessed").replace("_", " ")}${who ? `: ${who}` : ""}`)), reasonList(reasons.attribution || attribution.reasons)),
    );
  }
  if (inc.airwars || inc.admiralty) {
    rows.push(
      h(
        "div",
        { class: "grade-row" },
        h("h3", {}, "Airwars grade ", h("span", { class: "tag" }, inc.airwars || "—"), " · Admiralty code ", h("span", { class: "tag" }, inc.admiralty || "—")),
        reasonList([...(reasons.airwars || []), ...(reasons.admiralty || [])]),
      ),
    );
  }
  const casualties = Array.isArray(inc.casualties) ? inc.casualties : [];
  if (casualties.length) {
    rows.push(
      h(
        "div",
        { class: "grade-row" },
        h("h3", {}, "Casualties, consolidated"),
        h(
          "ul",
          { class: "reasons" },
          casualties.map((c) =>
            h("li", {}, `${c.category} ${c.kind}: ${c.low === c.high ? c.low : `${c.low}–${c.high ?? "?"}`}${c.open_ended ? "+" : ""} (conservative figure ${c.conservative}, from ${c.reports.length} report${c.reports.length === 1 ? "" : "s"})`),
          ),
        ),
      ),
    );
  }
  return h("section", { class: "grade", "aria-labelledby": "grade-title" }, h("h2", { id: "grade-title" }, "Assessment"), rows);
}

function comparison(reports, parties, assessment) {
  // Where the CLI's comparison (truce.assess.disagreement) speaks of a field, it decides: it
  // knows, say, that the gazetteer holds "Jarjanaz" and "Jarjnaz" as one place.
  const judged = new Map(((assessment && assessment.disagreement) || []).map((d) => [d.field, d]));
  const table = h("table", { class: "compare" });
  const head = h("tr", {}, h("th", { scope: "col" }, "Field"));
  for (const r of reports) {
    const party = parties[r.author] ? parties[r.author].name : r.author;
    head.append(h("th", { scope: "col" }, `${r.id} · ${party}`, h("div", { class: "muted" }, r.report.title || "")));
  }
  table.append(h("thead", {}, head));
  const body = h("tbody");
  let differing = 0;
  for (const [label, read, differs, key] of FIELDS) {
    const values = reports.map((r) => read(r.report));
    const verdict = key ? judged.get(key) : undefined;
    const disagree =
      reports.length > 1 && (verdict ? !verdict.agree : differs ? differs(reports.map((r) => r.report)) : new Set(values).size > 1);
    if (disagree) differing++;
    const row = h(
      "tr",
      { class: disagree ? "disagree" : null, dataset: { field: key || label.toLowerCase() } },
      h(
        "th",
        { scope: "row" },
        label,
        disagree ? h("span", { class: "flag" }, " differs") : null,
        verdict && verdict.note ? h("div", { class: "muted note" }, verdict.note) : null,
      ),
    );
    // Mark the cells that differ from the most common value (all of them when there is none).
    const counts = new Map();
    for (const v of values) counts.set(v, (counts.get(v) || 0) + 1);
    const top = Math.max(...counts.values());
    const majority = [...counts].filter(([, c]) => c === top);
    const common = majority.length === 1 && top > 1 ? majority[0][0] : null;
    for (const v of values) {
      const odd = disagree && v !== common;
      row.append(h("td", { class: odd ? "odd" : null }, v));
    }
    body.append(row);
  }
  table.append(body);
  return h(
    "section",
    { "aria-labelledby": "reports-title" },
    h("h2", { id: "reports-title" }, `Reports side by side`),
    h(
      "p",
      { class: "muted", id: "disagreement-summary" },
      reports.length > 1
        ? `${differing} of ${FIELDS.length} fields differ between the ${reports.length} reports (marked “differs”).`
        : "One report: nothing to compare yet.",
    ),
    h("div", { class: "table-scroll", tabindex: "0", "aria-label": "Reports compared" }, table),
  );
}

/** Why each report is in this incident: the correlation's decision, its score and reasons
 * (truce.assess.correlate), and the merges and splits that placed it; what `truce incident
 * show` prints under "why each report is here". */
function whySection(reports, assessment) {
  const how = { new: "started this incident", joined: "joined", merged: "merged", split: "split off" };
  const why = (assessment && assessment.why) || reports.map((r) => ({ id: r.id, how: r.how, reason: r.reason }));
  const actions = (assessment && assessment.actions) || [];
  return h(
    "section",
    { "aria-labelledby": "why-title" },
    h("h2", { id: "why-title" }, "Why each report is here"),
    h(
      "ul",
      { class: "reasons", id: "why" },
      why.map((r) =>
        h(
          "li",
          { dataset: { report: r.id } },
          h("strong", {}, r.id),
          ` ${how[r.how] || r.how || "placed"}`,
          r.score !== null && r.score !== undefined ? ` (score ${Number(r.score).toFixed(2)})` : "",
          r.reason ? `: ${r.reason}` : "",
        ),
      ),
      actions.map((a) =>
        h("li", { class: "action" }, h("strong", {}, a.id), ` ${a.kind} by ${a.author}: ${a.status}${a.note ? `, ${a.note}` : ""}`, a.text ? h("div", { class: "quote" }, a.text) : null),
      ),
    ),
  );
}

function responsesSection(app, data, inc) {
  const list = h(
    "ul",
    { class: "responses", id: "responses" },
    data.responses.length
      ? data.responses.map((r) =>
          h(
            "li",
            {},
            h("strong", {}, data.parties[r.author] ? data.parties[r.author].name : r.author),
            ` ${r.kind.replace("_", " ")}`,
            r.field ? ` ${r.field} → “${r.value}”` : "",
            r.text ? h("div", { class: "quote" }, r.text) : null,
            h("div", { class: "muted" }, `${r.id} · ${r.filed_at}`),
          ),
        )
      : h("li", { class: "muted" }, "No party has responded."),
  );
  const section = h("section", { "aria-labelledby": "responses-title" }, h("h2", { id: "responses-title" }, "Responses"), list);
  const user = app.user;
  // Responses are the parties' own: only a party officer files one (truce.access.policy).
  if (user && user.party && user.role === "officer") section.append(respondForm(app, inc, user));
  return section;
}

function respondForm(app, inc, user) {
  const kind = select("kind", [
    ["acknowledge", "Acknowledge"],
    ["deny", "Deny"],
    ["dispute", "Dispute a field"],
    ["under_investigation", "Under investigation"],
  ]);
  kind.id = "response-kind";
  const fieldSel = select("field", ["", "date", "place", "perpetrator", "target", "casualties", "sub_event_type"]);
  fieldSel.id = "response-field";
  const value = h("input", { name: "value", id: "response-value", maxlength: 2000 });
  const text = h("textarea", { name: "text", id: "response-text", rows: 3, maxlength: 20000 });
  const status = h("p", { class: "status", role: "status" });
  const disputeBits = h("div", { class: "dispute", hidden: true }, field("Disputed field", fieldSel), field("Your value", value));
  kind.addEventListener("change", () => (disputeBits.hidden = kind.value !== "dispute"));
  const form = h(
    "form",
    { class: "form", id: "respond-form", "aria-label": `Respond as ${user.party}` },
    h("h3", {}, `Respond as ${app.partyName(user.party)}`),
    field("Response", kind),
    disputeBits,
    field("Statement", text),
    h("button", { type: "submit" }, "File response"),
    status,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = { incident: inc.id, kind: kind.value, text: text.value };
    if (kind.value === "dispute") Object.assign(body, { field: fieldSel.value, value: value.value });
    status.textContent = "Signing and filing…";
    try {
      const res = await api.respond(body);
      status.textContent = `Filed ${res && res.id ? res.id : "the response"}.`;
      announce("Response filed");
      app.mapChanged();
      app.route();
    } catch (err) {
      status.textContent = err instanceof ApiError ? `Not filed: ${err.message}` : String(err);
      status.setAttribute("role", "alert");
    }
  });
  return form;
}

function violationsSection(violations) {
  return h(
    "section",
    { "aria-labelledby": "violations-title" },
    h("h2", { id: "violations-title" }, "Violations"),
    violations.length
      ? h(
          "ul",
          { class: "violations" },
          violations.map((v) =>
            h(
              "li",
              {},
              h("strong", {}, `${v.agreement_id} § ${v.clause_id}`),
              ` — ${v.status} (${v.certainty}): ${v.relation} ${v.target_name || v.target_id || ""}`,
              v.distance_m ? `, ${v.distance_m} m` : "",
              v.target_approximate ? " (approximate geometry)" : "",
              h("blockquote", {}, v.clause_text),
            ),
          ),
        )
      : h("p", { class: "muted" }, "This incident breaks no clause of the agreements on record."),
  );
}

function proofSection(data) {
  const entries = [
    ...data.reports.map((r) => ({ index: r.entry_index, label: `${r.id} (report by ${r.author})` })),
    ...data.responses.map((r) => ({ index: r.entry_index, label: `${r.id} (response by ${r.author})` })),
  ];
  const section = h(
    "section",
    { class: "proofs", "aria-labelledby": "proof-title" },
    h("h2", { id: "proof-title" }, "Ledger proof"),
    h(
      "p",
      { class: "muted" },
      "Each entry is checked here, in your browser: the log's signature on its latest checkpoint (Ed25519), " +
        "the entry's inclusion under that checkpoint's root (RFC 9162), and the author's signature on the entry.",
    ),
  );
  const list = h("ul", { class: "proof-list" });
  let note = pinNote();
  section.append(list, note);
  for (const e of entries) {
    const out = h("div", { class: "proof-result", "aria-live": "polite" });
    const button = h("button", { type: "button", class: "check-proof" }, "Check again");
    const item = h("li", { class: "proof", dataset: { index: String(e.index) } }, h("strong", {}, e.label), out, button);
    const run = () => checkOne(e.index, out, item).then(() => note.replaceWith((note = pinNote())));
    button.addEventListener("click", run);
    list.append(item);
    run();
  }
  return section;
}

function pinNote() {
  const pinned = localStorage.getItem(PIN_KEY);
  const p = h("p", { class: "muted", id: "pin-note" });
  p.textContent = pinned
    ? `This browser trusts the log key ${pinned.split("+")[0]}+${pinned.split("+")[1]} (pinned on first use).`
    : "No log key is pinned in this browser yet: the first verified checkpoint pins it.";
  return p;
}

async function checkOne(index, out, item) {
  clear(out).append("Checking…");
  item.dataset.state = "checking";
  try {
    const bundle = await api.proof(index);
    const pinned = localStorage.getItem(PIN_KEY);
    const result = await checkBundle(bundle, pinned);
    if (!pinned) localStorage.setItem(PIN_KEY, bundle.log_key);
    item.dataset.state = "verified";
    clear(out).append(
      h("span", { class: "ok" }, "✓ Verified in this browser"),
      ` — entry ${result.index}, included in checkpoint of size ${result.size}, root ${result.root}`,
      h(
        "div",
        { class: "muted" },
        `signed by log key ${result.keyName}; entry hash ${result.leafHash.slice(0, 16)}…; ${result.envelope.kind} by ${result.envelope.author} at ${result.envelope.time}; checked with ${result.provider}`,
      ),
    );
  } catch (err) {
    item.dataset.state = "failed";
    const why = err instanceof ProofError || err instanceof ApiError ? err.message : String(err);
    clear(out).append(h("span", { class: "bad", role: "alert" }, `✗ Not verified: ${why}`));
  }
}
