// The review queue (issue 15): claims read from open sources that ingestion could not file as
// reports (no date, no resolved place...). #/review lists them; #/review/C-12 shows one beside
// its source paragraph, the claim's sentences highlighted, with the fields to complete or
// correct and Accept / Reject. The chair and the monitors decide (truce.ingest.pending); the
// server checks again. The incident page shows, for a report that came out of review, who
// accepted it and what they changed (historySection).

import { api } from "./api.js";
import { announce, field, h, select } from "./dom.js";

const DECIDERS = ["chair", "monitor"];

function iso(d) {
  if (!d) return "";
  return d.start === d.end ? d.start : `${d.start}/${d.end}`;
}

function needsList(needs) {
  return h(
    "ul",
    { class: "needs" },
    (needs || []).map((n) => h("li", { dataset: { field: n.field } }, h("strong", {}, `${n.field}: `), String(n.reason).replace(/\s*\(?pass --published( to be sure)?\)?/g, ""))),
  );
}

export async function reviewList(app, container, params) {
  const status = params.get("status") || "pending";
  document.title = "Review queue · truce";
  const rows = await api.reviewClaims({ status });
  const tabs = ["pending", "accepted", "rejected", "all"].map((s) =>
    h("li", {}, h("a", { href: `#/review?status=${s}`, "aria-current": s === status ? "page" : null }, s)),
  );
  const list = h(
    "ul",
    { class: "queue", id: "review-queue" },
    rows.length
      ? rows.map((r) =>
          h(
            "li",
            { dataset: { claim: r.id, status: r.status } },
            h("a", { href: `#/review/${encodeURIComponent(r.id)}` }, `${r.id}: ${r.title || r.sub_event_type}`),
            r.status === "pending"
              ? needsList(r.needs)
              : h("div", { class: "muted" }, `${r.status} by ${r.decided_by} (${app.partyName(r.decided_party)})${r.report_id ? ` as ${r.report_id}` : ""}`),
          ),
        )
      : h("li", { class: "muted" }, `No ${status === "all" ? "" : status + " "}claims.`),
  );
  container.append(
    h(
      "section",
      { class: "review", "aria-labelledby": "review-title" },
      h("h1", { id: "review-title", tabindex: "-1" }, "Review queue"),
      h("p", { class: "muted" }, "Claims read from open sources that could not be filed as reports yet: each says what it needs. Accept one (completing or correcting it) to file it as a report of the outlet; reject what is not an event."),
      h("nav", { "aria-label": "Status" }, h("ul", { class: "tabs" }, tabs)),
      list,
    ),
  );
  container.querySelector("h1").focus();
}

/** The source paragraph as text nodes, the claim's sentences in <mark> (never as HTML). */
function sourceText(context, highlights) {
  const out = h("blockquote", { class: "source", id: "claim-source" });
  let at = 0;
  for (const [start, end] of highlights || []) {
    if (start < at) continue;
    out.append(context.slice(at, start), h("mark", {}, context.slice(start, end)));
    at = end;
  }
  out.append(context.slice(at));
  return out;
}

export async function reviewClaim(app, container, id) {
  document.title = `${id} · truce`;
  const row = await api.reviewClaim(id);
  const claim = row.claim;
  const draft = claim.draft;
  const place = (draft.locations || []).map((l) => l.place || l.area).filter(Boolean).join(", ");
  const canDecide = app.user && DECIDERS.includes(app.user.role) && row.status === "pending";
  const page = h("article", { class: "review-claim", "aria-labelledby": "claim-title" });
  page.append(
    h("p", {}, h("a", { href: "#/review" }, "← Back to the queue")),
    h("h1", { id: "claim-title", tabindex: "-1" }, `${row.id}: ${draft.title || draft.sub_event_type}`),
    h("p", { class: "lede" }, `${row.status} · from “${claim.title || "untitled page"}”${claim.outlet ? ` (${claim.outlet})` : ""} · claim ${claim.number} of the page`),
    h("h2", {}, "What it needs"),
    needsList(claim.needs),
  );
  const columns = h("div", { class: "claim-columns" });
  columns.append(
    h("section", { "aria-labelledby": "source-title" }, h("h2", { id: "source-title" }, "Source"), sourceText(claim.context, claim.highlights), claim.url ? h("p", { class: "muted" }, claim.url) : null, h("p", { class: "muted" }, `SHA-256 ${claim.document}`)),
  );
  const facts = h(
    "dl",
    { class: "facts" },
    h("dt", {}, "Type"), h("dd", {}, `${draft.sub_event_type} (${draft.event_type}, ${draft.modality || "occurred"})`),
    h("dt", {}, "Date"), h("dd", {}, iso(draft.date) || "— (missing)"),
    h("dt", {}, "Date as written"), h("dd", {}, claim.date_text || "—"),
    h("dt", {}, "Place"), h("dd", {}, place || "— (missing)"),
    h("dt", {}, "Actors"), h("dd", {}, (draft.actors || []).map((a) => `${a.name} (${a.role})`).join("; ") || "—"),
    h("dt", {}, "Casualties"), h("dd", {}, (draft.casualties || []).map((c) => `${c.category} ${c.kind} ${c.best ?? c.low}`).join("; ") || "—"),
    h("dt", {}, "Sources"), h("dd", {}, (draft.sources || []).map((s) => s.originator ? `${s.name} citing ${s.originator}` : s.name).join("; ")),
  );
  const right = h("section", { "aria-labelledby": "draft-title" }, h("h2", { id: "draft-title" }, "The claim"), facts);
  columns.append(right);
  page.append(columns);
  if (row.status !== "pending") {
    right.append(decisionNote(app, row));
  } else if (canDecide) {
    right.append(decideForm(app, row, draft));
  } else {
    right.append(h("p", { class: "muted" }, "The chair and the monitors decide on claims."));
  }
  container.append(page);
  page.querySelector("h1").focus();
}

function decisionNote(app, row) {
  return h(
    "div",
    { class: "decision", id: "claim-decision" },
    h("p", {}, `${row.status[0].toUpperCase()}${row.status.slice(1)} by ${row.decided_by} for ${app.partyName(row.decided_party)} at ${row.decided_at} (entry ${row.decision_index}).`),
    (row.changes || []).length ? h("ul", {}, row.changes.map((c) => h("li", {}, `${c.field}: ${c.before || "(missing)"} → ${c.after}`))) : null,
    row.reason ? h("p", { class: "quote" }, row.reason) : null,
    row.report_id ? h("p", {}, `Filed as ${row.report_id}.`) : null,
  );
}

function decideForm(app, row, draft) {
  const vocab = app.vocabData;
  const subs = Object.values(vocab.event_types).flat();
  const date = h("input", { name: "date", id: "c-date", value: iso(draft.date), placeholder: "YYYY-MM-DD, A/B or YYYY-MM", maxlength: 40 });
  const place = h("input", { name: "place", id: "c-place", placeholder: "a place name, or LAT,LON", maxlength: 200 });
  const type = select("type", subs, draft.sub_event_type, { id: "c-type" });
  const reason = h("textarea", { name: "reason", id: "c-reason", rows: 2, maxlength: 2000 });
  const out = h("p", { class: "status", id: "form-status", role: "status" });
  const accept = h("button", { type: "submit", id: "c-accept" }, "Accept and file");
  const reject = h("button", { type: "button", id: "c-reject", class: "secondary" }, "Reject");
  const form = h(
    "form",
    { class: "form", id: "review-form", "aria-label": `Decide on ${row.id}` },
    field("Date", date, "Complete or correct the event's date."),
    field("Place", place, "Leave empty to keep the claim's place."),
    field("Sub-event type", type),
    field("Note (a rejection needs one)", reason),
    h("div", { class: "buttons" }, accept, " ", reject),
    out,
  );
  const fail = (err) => {
    out.className = "status error";
    out.setAttribute("role", "alert");
    out.textContent = err.message;
  };
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = { reason: reason.value.trim() };
    if (date.value.trim() && date.value.trim() !== iso(draft.date)) body.date = date.value.trim();
    if (place.value.trim()) body.place = place.value.trim();
    if (type.value !== draft.sub_event_type) body.type = type.value;
    out.className = "status";
    out.textContent = "Signing…";
    try {
      const done = await api.acceptClaim(row.id, body);
      const report = await api.report(done.report);
      announce(`${row.id} accepted and filed as ${done.report}`);
      await app.mapChanged();
      location.hash = report.incident_id ? `#/map?focus=${encodeURIComponent(report.incident_id)}` : "#/review";
    } catch (err) {
      fail(err);
    }
  });
  reject.addEventListener("click", async () => {
    if (!reason.value.trim()) {
      fail(new Error("Say why in the note to reject."));
      reason.focus();
      return;
    }
    try {
      await api.rejectClaim(row.id, { reason: reason.value.trim() });
      announce(`${row.id} rejected`);
      location.hash = "#/review";
    } catch (err) {
      fail(err);
    }
  });
  return form;
}

/** For the incident page: the review history of its reports that came out of the queue. */
export function historySection(app, reports) {
  const section = h("section", { "aria-labelledby": "history-title", id: "history", hidden: true }, h("h2", { id: "history-title" }, "History"));
  const ids = reports.filter((r) => (r.report.tags || []).includes("reviewed")).map((r) => r.id);
  if (!ids.length) return section;
  api.reviewHistory(ids).then(
    (found) => {
      const items = ids.filter((id) => found[id]).map((id) => {
        const x = found[id];
        return h(
          "li",
          { dataset: { report: id } },
          `${id} was claim ${x.id}, read from an open source and queued (${x.queued_at}) because: ${x.needs.map((n) => String(n.reason).replace(/\s*\(?pass --published( to be sure)?\)?/g, "")).join("; ")}. `,
          `Accepted by ${x.decided_by} for ${x.decided_party_name} at ${x.decided_at} (entry ${x.decision_index})`,
          x.changes.length ? [": ", x.changes.map((c) => `${c.field} ${c.before || "(missing)"} → ${c.after}`).join("; ")] : "",
          ".",
        );
      });
      if (items.length) {
        section.append(h("ul", { class: "history" }, items));
        section.hidden = false;
      }
    },
    () => {},
  );
  return section;
}
