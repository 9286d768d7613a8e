// Filing a report so that it cannot go wrong silently (issue 22): the place found in the
// gazetteer or picked on a map (click, drag, or type the coordinates), no default for the event
// type, the coordinates checked against the named place and the monitored area (a
// contradiction is a question that blocks until answered: fix it, or file anyway with a note
// that is itself recorded), and a review step showing exactly what will be signed before
// anything is. Errors are shown beside their field, which gets the focus.

import * as maplibregl from "maplibre-gl";
import { ApiError, api } from "./api.js";
import { announce, clear, field, h, select } from "./dom.js";
import { basemapStyle } from "./style.js";

const CHOOSE = "choose…";
const PICKER_VIEW = { center: [36.65, 35.75], zoom: 7.2 };
// Beyond this the point is not "at" the named place (km), whatever its stated error.
const NEAR_KM = 10;
// The area the center monitors when no zone is on record: north-west Syria.
const DEFAULT_AREA = [35.5, 34.8, 37.8, 36.8];

// -- the gazetteer --------------------------------------------------------------------------
export function normalName(s) {
  return String(s || "")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/^(al|el|as|ad|ar|ash|an)[- ]/, "")
    .replace(/[^a-z0-9]/g, "");
}

let gazetteer = null;
let placesApi = true; // GET /api/v1/places?q= (the server's place search), until it says no

/** Places matching `q`: from the server's place search when it has one, else from the
 * gazetteer's villages and towns the map already ships (name, lat, lon). */
export async function searchPlaces(q, limit = 8) {
  const key = normalName(q);
  if (key.length < 2) return [];
  if (placesApi) {
    try {
      const res = await api.places(q);
      const list = Array.isArray(res) ? res : res.places || res.results || [];
      // {name, matched, admin1, lat, lon, ...}: `matched` is the spelling that was found.
      // The server matches whole names: a name half typed finds nothing there, so the
      // shipped gazetteer below is searched by prefix then.
      if (list.length) return list.slice(0, limit).map((p) => ({
        name: p.name,
        admin: p.admin1 || p.admin || "",
        lat: Number(p.lat),
        lon: Number(p.lon),
        keys: [normalName(p.name), normalName(p.matched)].filter(Boolean),
        also: p.matched && normalName(p.matched) !== normalName(p.name) ? p.matched : "",
        source: "server",
      }));
    } catch (err) {
      if (!(err instanceof ApiError) || ![404, 405].includes(err.status)) throw err;
      placesApi = false; // not on this server yet: the shipped gazetteer below
    }
  }
  if (!gazetteer) {
    // The gazetteer's populated places with their other spellings (truce.geo), as the map serves them.
    const res = await fetch(api.basemap("placenames"));
    const data = res.ok ? await res.json() : { features: [] };
    gazetteer = data.features.map((f) => {
      const [lon, lat] = f.geometry.coordinates;
      const p = f.properties;
      const keys = [...new Set([normalName(p.name), ...String(p.keys || "").split("|").map(normalName)])].filter(Boolean);
      return { name: p.name, keys, lat, lon, pop: p.pop || 0, admin: p.admin || "" };
    });
  }
  const rank = (p) => (p.keys.includes(key) ? 0 : p.keys.some((k) => k.startsWith(key)) ? 1 : 2);
  const hits = gazetteer.filter((p) => p.keys.some((k) => k.includes(key)));
  hits.sort((a, b) => rank(a) - rank(b) || b.pop - a.pop);
  return hits.slice(0, limit).map((p) => {
    const also = normalName(p.name).includes(key) ? "" : p.keys.find((k) => k.includes(key)) || "";
    return { ...p, also, source: "gazetteer" };
  });
}

/** Whether the gazetteer knows `name` as this place (one of its spellings). */
function knownAs(place, name) {
  const k = normalName(name);
  return normalName(place.name) === k || (place.keys || []).includes(k);
}

function km(a, b) {
  const r = Math.PI / 180;
  const dy = (a.lat - b.lat) * r;
  const dx = (a.lon - b.lon) * r * Math.cos(((a.lat + b.lat) / 2) * r);
  return 6371 * Math.hypot(dx, dy);
}

/** What is wrong with the location, as a question to the filer, or null. */
async function locationConcern(where, chosen, area) {
  const p = where.point;
  if (!p) return null;
  const pt = { lat: Number(p.lat), lon: Number(p.lon) };
  const [w, s, e, n] = area;
  if (pt.lon < w || pt.lon > e || pt.lat < s || pt.lat > n) {
    return `The coordinates ${pt.lat.toFixed(4)}, ${pt.lon.toFixed(4)} are outside the area the center monitors (${s}–${n} N, ${w}–${e} E).`;
  }
  let place = chosen && knownAs(chosen, where.place) ? chosen : null;
  if (!place) {
    const found = await searchPlaces(where.place, 20).catch(() => []);
    const same = found.filter((f) => knownAs(f, where.place));
    if (same.length) place = same.reduce((best, f) => (km(f, pt) < km(best, pt) ? f : best));
  }
  if (!place) return null;
  const d = km(place, pt);
  const allowed = Math.max(NEAR_KM, (Number(p.error_m) || 0) / 1000 + 5);
  if (d <= allowed) return null;
  return `The coordinates are ${d.toFixed(0)} km from ${place.name} (${place.lat.toFixed(4)}, ${place.lon.toFixed(4)} in the gazetteer), but the report names ${where.place}.`;
}

function isContradiction(err) {
  if (!(err instanceof ApiError) || err.status !== 422) return false;
  return err.code === "contradiction" || /override_note/.test(`${err.hint || ""} ${err.message}`);
}

// -- canonical JSON, laid out for a person ----------------------------------------------------
function humanValue(v) {
  if (Array.isArray(v)) {
    if (!v.length) return h("span", { class: "muted" }, "none");
    return h("ol", { class: "signed-list" }, v.map((x) => h("li", {}, humanValue(x))));
  }
  if (v && typeof v === "object") {
    return h(
      "dl",
      { class: "signed" },
      Object.entries(v).map(([k, x]) => [h("dt", {}, k.replaceAll("_", " ")), h("dd", {}, humanValue(x))]),
    );
  }
  if (v === "") return h("span", { class: "muted" }, "(empty)");
  return h("span", {}, String(v));
}

async function sha256Hex(text) {
  if (!crypto.subtle) return null;
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// -- errors beside their field ------------------------------------------------------------------
function clearErrors(form) {
  for (const el of form.querySelectorAll(".field-error")) el.remove();
  for (const el of form.querySelectorAll("[aria-invalid]")) {
    el.removeAttribute("aria-invalid");
    const ids = (el.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && !x.endsWith("-error"));
    if (ids.length) el.setAttribute("aria-describedby", ids.join(" "));
    else el.removeAttribute("aria-describedby");
  }
}

/** Put `message` beside `input` (never at the bottom of the form), and move the focus there. */
export function fieldError(input, message) {
  const box = input.closest(".field") || input.parentElement;
  const id = `${input.id}-error`;
  let el = document.getElementById(id);
  if (!el) {
    el = h("p", { class: "field-error", id });
    input.insertAdjacentElement("afterend", el);
  }
  el.textContent = message;
  input.setAttribute("aria-invalid", "true");
  const ids = new Set((input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
  ids.add(id);
  input.setAttribute("aria-describedby", [...ids].join(" "));
  box.scrollIntoView({ block: "center" });
  input.focus();
}

/** The server's message without the field's path in front: the label beside it names it. */
export function bare(err) {
  let m = err.message || String(err);
  if (err.field) {
    for (const p of [err.field, err.field.split(".").pop()]) {
      if (m.startsWith(`${p}: `)) m = m.slice(p.length + 2);
    }
  }
  m = m.replace(/^field '[^']*': /, "");
  m = m.charAt(0).toUpperCase() + m.slice(1);
  // The generic hint ("fix the named field") is what the placement already says.
  return err.hint && !/^Fix the named field/.test(err.hint) ? `${m} ${err.hint}` : m;
}

// -- the form ---------------------------------------------------------------------------------
export function reportForm(app, container) {
  const vocab = app.vocabData;
  const types = Object.keys(vocab.event_types);
  const typeSel = select("event_type", [["", CHOOSE], ...types], "", { id: "r-type", required: true });
  const subSel = h("select", { name: "sub_event_type", id: "r-sub", required: true, disabled: true }, h("option", { value: "" }, CHOOSE));
  typeSel.addEventListener("change", () => {
    const subs = vocab.event_types[typeSel.value] || [];
    subSel.replaceChildren(h("option", { value: "" }, CHOOSE), ...subs.map((s) => h("option", { value: s }, s)));
    subSel.disabled = !subs.length;
  });
  const today = new Date().toISOString().slice(0, 10);
  const inputs = {
    title: h("input", { name: "title", id: "r-title", maxlength: 500, required: true }),
    start: h("input", { type: "date", name: "start", id: "r-start", value: today, required: true }),
    end: h("input", { type: "date", name: "end", id: "r-end" }),
    place: h("input", { name: "place", id: "r-place", maxlength: 500, required: true, autocomplete: "off", "aria-autocomplete": "list", "aria-controls": "r-place-list" }),
    admin1: select("admin1", ["", "Idlib", "Hama", "Aleppo", "Latakia", "Homs", "Tartus", "Raqqa", "Hasakah", "Deir ez-Zor", "Damascus", "Rural Damascus", "Daraa", "Suwayda", "Quneitra"], "", { id: "r-admin1" }),
    lat: h("input", { type: "number", name: "lat", id: "r-lat", step: "any", min: -90, max: 90, inputmode: "decimal" }),
    lon: h("input", { type: "number", name: "lon", id: "r-lon", step: "any", min: -180, max: 180, inputmode: "decimal" }),
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
  // The server's field paths, to the input that holds each (the longest prefix wins).
  const FIELDS = [
    ["title", inputs.title],
    ["event_type", typeSel],
    ["sub_event_type", subSel],
    ["date.end", inputs.end],
    ["date", inputs.start],
    ["locations.0.point.lon", inputs.lon],
    ["locations.0.point.error_m", inputs.error],
    ["locations.0.point", inputs.lat],
    ["locations.0.admin1", inputs.admin1],
    ["locations.0.precision", inputs.precision],
    ["locations", inputs.place],
    ["actors", inputs.perpetrator],
    ["casualties.1", inputs.injured],
    ["casualties", inputs.killed],
    ["sources.0.kind", inputs.sourceKind],
    ["sources.0.reliability", inputs.reliability],
    ["sources.0.credibility", inputs.credibility],
    ["sources", inputs.source],
    ["override_note", null],
    ["text", inputs.text],
  ];
  const inputFor = (path, message = "") => {
    if (!path) return null;
    if (path === "date" && /\bend\b/.test(message)) return inputs.end;
    const hit = FIELDS.find(([p]) => path === p || path.startsWith(`${p}.`));
    return hit ? hit[1] : null;
  };

  // Place search: suggestions as you type; choosing one sets the point on the map.
  let chosen = null;
  const suggestions = h("ul", { class: "place-list", id: "r-place-list", role: "listbox", "aria-label": "Places in the gazetteer", hidden: true });
  let searchTimer = 0;
  let searchSeq = 0;
  inputs.place.addEventListener("input", () => {
    chosen = null;
    clearTimeout(searchTimer);
    searchTimer = setTimeout(async () => {
      const seq = ++searchSeq;
      const found = await searchPlaces(inputs.place.value).catch(() => []);
      if (seq !== searchSeq) return;
      suggestions.replaceChildren(
        ...found.map((p) =>
          h(
            "li",
            { role: "option" },
            h("button", { type: "button", class: "place-option", onclick: () => choose(p) }, `${p.name}${p.admin ? `, ${p.admin}` : ""}`, p.also ? h("span", { class: "muted" }, ` (also written ${p.also})`) : null, h("span", { class: "muted" }, ` ${p.lat.toFixed(4)}, ${p.lon.toFixed(4)}`)),
          ),
        ),
      );
      suggestions.hidden = !found.length;
    }, 120);
  });
  inputs.place.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" && !suggestions.hidden) {
      e.preventDefault();
      suggestions.querySelector("button").focus();
    }
  });
  suggestions.addEventListener("keydown", (e) => {
    const buttons = [...suggestions.querySelectorAll("button")];
    const at = buttons.indexOf(document.activeElement);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const next = at + (e.key === "ArrowDown" ? 1 : -1);
      if (next < 0) inputs.place.focus();
      else buttons[Math.min(next, buttons.length - 1)].focus();
    } else if (e.key === "Escape") {
      suggestions.hidden = true;
      inputs.place.focus();
    }
  });
  function choose(p) {
    chosen = p;
    inputs.place.value = p.name;
    if (p.admin && [...inputs.admin1.options].some((o) => o.value === p.admin)) inputs.admin1.value = p.admin;
    setPoint(p.lat, p.lon, { fly: true });
    suggestions.hidden = true;
    announce(`Chose ${p.name}: ${p.lat.toFixed(4)}, ${p.lon.toFixed(4)}`);
    inputs.lat.focus();
  }

  // The map picker: click to place the point, drag it, or type the coordinates.
  const pickerEl = h("div", { class: "picker", id: "r-picker", role: "application", "aria-label": "Map: click or tap to set the point; drag the marker to move it" });
  let picker = null;
  let marker = null;
  function setPoint(lat, lon, { fly = false, fromInputs = false } = {}) {
    if (!fromInputs) {
      inputs.lat.value = Number(lat).toFixed(5);
      inputs.lon.value = Number(lon).toFixed(5);
    }
    if (!picker) return;
    if (!marker) {
      marker = new maplibregl.Marker({ draggable: true, color: "#b2182b" }).setLngLat([lon, lat]).addTo(picker);
      marker.on("dragend", () => {
        const ll = marker.getLngLat();
        setPoint(ll.lat, ll.lng);
      });
    } else marker.setLngLat([lon, lat]);
    if (fly) picker.easeTo({ center: [lon, lat], zoom: Math.max(picker.getZoom(), 11) });
  }
  const fromInputs = () => {
    const lat = Number(inputs.lat.value);
    const lon = Number(inputs.lon.value);
    if (inputs.lat.value !== "" && inputs.lon.value !== "" && Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
      setPoint(lat, lon, { fromInputs: true, fly: true });
    }
  };
  inputs.lat.addEventListener("change", fromInputs);
  inputs.lon.addEventListener("change", fromInputs);

  const out = h("p", { class: "status", role: "status", id: "form-status" });
  const review = h("section", { class: "review-step", id: "report-review", hidden: true, "aria-labelledby": "review-title", tabindex: "-1" });
  const question = h("section", { class: "question", id: "r-question", hidden: true, role: "alert", "aria-labelledby": "question-title" });
  const form = h(
    "form",
    { class: "form wide", id: "report-form", "aria-labelledby": "report-title", novalidate: true },
    h("h1", { id: "report-title", tabindex: "-1" }, `File a report${app.user && app.user.party ? ` for ${app.partyName(app.user.party)}` : ""}`),
    h("p", { class: "muted" }, "The report is signed with your party's key and appended to the ledger; it cannot be edited afterwards, only answered. You will see exactly what will be signed before it is."),
    h("fieldset", {}, h("legend", {}, "What"), field("Title", inputs.title), field("Event type (ACLED)", typeSel), field("Sub-event type", subSel, "Choose the event type first.")),
    h("fieldset", {}, h("legend", {}, "When"), field("Date (or first day)", inputs.start), field("Last day, if a span", inputs.end, "Leave empty for a single day.")),
    h(
      "fieldset",
      { class: "where" },
      h("legend", {}, "Where"),
      h("div", { class: "field place-field" }, h("label", { for: "r-place" }, "Place"), inputs.place, h("div", { class: "help", id: "r-place-help" }, "Type to search the gazetteer; choose a place to set the point."), suggestions),
      field("Governorate", inputs.admin1),
      pickerEl,
      h("div", { class: "field-row" }, field("Latitude", inputs.lat, "Decimal degrees, e.g. 35.7361"), field("Longitude", inputs.lon, "Decimal degrees, e.g. 36.6754")),
      field("Uncertainty (metres)", inputs.error),
      field("Geo precision (ACLED)", inputs.precision),
    ),
    h("fieldset", {}, h("legend", {}, "Who and harm"), field("Perpetrator", inputs.perpetrator, "As reported; leave empty if unknown."), field("Target", inputs.target), field("Civilians killed", inputs.killed), field("Civilians injured", inputs.injured)),
    h("fieldset", {}, h("legend", {}, "Source (Admiralty code)"), field("Source name", inputs.source), field("Source kind", inputs.sourceKind), field("Reliability", inputs.reliability), field("Credibility", inputs.credibility)),
    field("Narrative", inputs.text),
    question,
    h("button", { type: "submit", id: "r-review" }, "Review what will be signed"),
    out,
  );
  inputs.place.setAttribute("aria-describedby", "r-place-help");

  let overrideNote = null; // the filer's answer to a flagged contradiction
  let noteField = true; // the server takes override_note (until it says it does not)
  let area = DEFAULT_AREA;
  api
    .zones()
    .then((z) => {
      const xs = [];
      const ys = [];
      const walk = (c) => (typeof c[0] === "number" ? (xs.push(c[0]), ys.push(c[1])) : c.forEach(walk));
      for (const f of z.features || []) if (f.geometry) walk(f.geometry.coordinates);
      if (xs.length) area = [Math.min(...xs) - 0.5, Math.min(...ys) - 0.5, Math.max(...xs) + 0.5, Math.max(...ys) + 0.5].map((v) => Math.round(v * 100) / 100);
    })
    .catch(() => {});

  function build() {
    const v = (k) => inputs[k].value.trim();
    const where = { place: v("place"), precision: Number(v("precision")) };
    if (v("admin1")) where.admin1 = v("admin1");
    if (v("lat") !== "" || v("lon") !== "") where.point = { lat: v("lat"), lon: v("lon"), error_m: v("error") === "" ? 0 : Number(v("error")) };
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
    if (overrideNote) {
      if (noteField) report.override_note = overrideNote;
      else report.text = `${report.text}${report.text ? "\n\n" : ""}Filed with a flagged location; the filer's note: ${overrideNote}`;
    }
    return report;
  }

  function missing() {
    const need = [
      [inputs.title, "Give the report a title."],
      [typeSel, "Choose one; nothing is chosen for you."],
      [subSel, typeSel.value ? "Choose one; nothing is chosen for you." : "Choose the event type first, then this."],
      [inputs.start, "Give the day it happened (or the first day)."],
      [inputs.place, "Name the place (search the gazetteer, or pick on the map and name it)."],
      [inputs.source, "Name who says so."],
    ];
    for (const [el, msg] of need) if (!el.value.trim()) return [el, msg];
    const lat = inputs.lat.value;
    const lon = inputs.lon.value;
    if ((lat === "") !== (lon === "")) return [lat === "" ? inputs.lat : inputs.lon, "Give both coordinates, or neither."];
    return null;
  }

  function ask(message, { fromServer = false } = {}) {
    question.hidden = false;
    const note = h("textarea", { id: "r-override-note", rows: 3, maxlength: 2000, "aria-describedby": "question-text" });
    const anyway = h("button", { type: "button", id: "r-file-anyway" }, "File anyway, with this note");
    const fix = h("button", { type: "button", class: "secondary", id: "r-fix" }, "Fix the location");
    clear(question).append(
      h("h2", { id: "question-title" }, "Is this location right?"),
      h("p", { id: "question-text" }, message),
      h("p", {}, "Nothing has been signed. Fix the place or the coordinates, or say why they are right: the note is filed with the report."),
      field("Why the location is right", note),
      h("div", { class: "actions" }, fix, anyway),
    );
    fix.addEventListener("click", () => {
      question.hidden = true;
      fieldError(inputs.lat, message);
    });
    anyway.addEventListener("click", async () => {
      if (!note.value.trim()) {
        fieldError(note, "Write the note that will be filed with the report, or fix the location.");
        return;
      }
      overrideNote = note.value.trim();
      question.hidden = true;
      if (fromServer) await sign();
      else await showReview();
    });
    question.scrollIntoView({ block: "center" });
    note.focus();
  }

  async function showReview() {
    const report = build();
    out.textContent = "Preparing the review…";
    let preview;
    try {
      preview = await api.preview("report.filed", report);
    } catch (err) {
      if (err instanceof ApiError && err.field === "override_note" && noteField) {
        noteField = false; // an older server: the note goes into the narrative, in the open
        return showReview();
      }
      return showServerError(err);
    }
    out.textContent = "";
    const pretty = JSON.stringify(JSON.parse(preview.canonical), null, 2);
    const hash = h("span", { id: "review-hash" }, "…");
    clear(review).append(
      h("h2", { id: "review-title" }, "Review: this is what will be signed"),
      h(
        "p",
        {},
        `A ${preview.kind} entry by ${app.partyName(preview.author)} (${preview.author}), signed ${preview.mode === "custodial" ? "with the party's key held by the center (custodial)" : "by you"}. ` +
          "Its position in the party's chain and the time are added when it is signed. Once filed it cannot be edited, only answered.",
      ),
      h("div", { class: "signed-human", id: "review-human" }, humanValue(preview.body)),
      h("details", { open: true }, h("summary", {}, "The body exactly as signed (RFC 8785 canonical JSON, laid out)"), h("pre", { id: "review-json", tabindex: "0" }, pretty), h("p", { class: "muted" }, "SHA-256 of the canonical bytes: ", hash)),
      h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", id: "r-edit", onclick: backToForm }, "Back to the form"), h("button", { type: "button", id: "r-sign", onclick: sign }, "Sign and file")),
      h("p", { class: "status", role: "status", id: "review-status" }),
    );
    sha256Hex(preview.canonical).then((x) => (hash.textContent = x || "(not computed: not a secure context)"));
    form.hidden = true;
    review.hidden = false;
    review.focus();
  }

  function backToForm() {
    review.hidden = true;
    form.hidden = false;
    inputs.title.focus();
  }

  function showServerError(err) {
    backToForm();
    const input = err instanceof ApiError ? inputFor(err.field, err.message) : null;
    if (input) {
      out.textContent = "";
      fieldError(input, bare(err));
    } else {
      out.setAttribute("role", "alert");
      out.className = "status error";
      out.textContent = err instanceof ApiError ? `Not filed: ${bare(err)}` : String(err);
      out.setAttribute("tabindex", "-1");
      out.focus();
    }
  }

  async function sign() {
    const status = document.getElementById("review-status") || out;
    status.textContent = "Signing and filing…";
    try {
      const res = await api.fileReport(build());
      const incident = res.incident || (await api.report(res.id).catch(() => ({}))).incident_id;
      status.className = "status ok";
      status.textContent = `Filed ${res.id}${incident ? ` (incident ${incident})` : ""}.`;
      announce(`Report ${res.id} filed`);
      await app.mapChanged();
      window.location.hash = incident ? `#/map?focus=${encodeURIComponent(incident)}` : "#/map";
    } catch (err) {
      if (err instanceof ApiError && err.field === "override_note" && noteField) {
        noteField = false;
        return sign();
      }
      if (isContradiction(err)) {
        backToForm();
        ask(bare(err), { fromServer: true });
        return;
      }
      showServerError(err);
    }
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(form);
    out.textContent = "";
    out.className = "status";
    const gap = missing();
    if (gap) return fieldError(...gap);
    const where = build().locations[0];
    if (!overrideNote) {
      const concern = await locationConcern(where, chosen, area);
      if (concern) return ask(concern);
    }
    await showReview();
  });
  // A changed location needs answering again.
  for (const el of [inputs.place, inputs.lat, inputs.lon]) el.addEventListener("change", () => (overrideNote = null));

  container.append(form, review);
  form.querySelector("h1").focus();
  // On a touch screen the picker sits in a page that scrolls: one finger scrolls the page, two
  // pan and zoom the map, a tap sets the point.
  const touch = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
  picker = new maplibregl.Map({ container: pickerEl, style: basemapStyle(api.basemap), ...PICKER_VIEW, attributionControl: false, cooperativeGestures: touch, maxBounds: [[30, 30], [44, 40]] });
  picker.addControl(new maplibregl.NavigationControl({ visualizePitch: false }), "top-right");
  picker.on("click", (e) => setPoint(e.lngLat.lat, e.lngLat.lng));
  window.__truce.picker = picker;
  fromInputs();
}
