// The evidence gallery of an incident page: each file's thumbnail, what it says about itself
// (capture time, GPS, device), and what truce found (older than the event, far from the place,
// the same image attached elsewhere); and the upload control (drag and drop, or choose files),
// which streams each file to the server with its progress shown.
//
// Graphic media is blurred until clicked. Everything shown is text (dom.js), never markup.

import { api } from "./api.js";
import { announce, clear, h, select } from "./dom.js";

const MEMBER_ROLES = ["officer", "monitor", "analyst", "chair"];
const UPLOAD_ROLES = ["officer", "monitor", "chair"];

function size(bytes) {
  if (bytes >= 1 << 30) return `${(bytes / (1 << 30)).toFixed(1)} GB`;
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MB`;
  if (bytes >= 1 << 10) return `${Math.round(bytes / (1 << 10))} KB`;
  return `${bytes} bytes`;
}

const HASHES = ["SHA-256", "Keyframes"];

/** What a video, a document, XMP or a C2PA manifest adds, as [label, text] rows. */
function extra(e) {
  const rows = [];
  if (e.keyframes && e.keyframes.length) rows.push(["Keyframes", e.keyframes.join(" ")]);
  if (e.pages !== null && e.pages !== undefined) rows.push(["Pages", String(e.pages)]);
  for (const [k, v] of Object.entries(e.document || {})) rows.push([k[0].toUpperCase() + k.slice(1), v]);
  for (const [k, v] of Object.entries(e.xmp || {})) rows.push([`XMP ${k}`, v]);
  const c = e.c2pa;
  if (c) {
    const errors = c.errors && c.errors.length ? ` (${c.errors.join(", ")})` : "";
    rows.push(["C2PA", `${c.validation}${errors}; by ${c.claim_generator || "an unnamed generator"}${c.signer ? `, signed by ${c.signer}` : ""}`]);
    if (c.assertions && c.assertions.length) rows.push(["Assertions", c.assertions.join(", ")]);
  }
  return rows;
}

function meta(e) {
  const rows = [
    ["Type", `${e.media_type}, ${size(e.size)}${e.width ? `, ${e.width}×${e.height}` : ""}`],
    ["Taken", e.captured ? `${e.captured.replace("T", " ")} (as the camera says)` : "—"],
    ["GPS", e.lat !== null && e.lat !== undefined ? `${e.lat.toFixed(5)}, ${e.lon.toFixed(5)}` : "—"],
    ["Device", e.device || "—"],
    ["Attached", `to ${e.report_id || e.incident_id} by ${e.author}, ${e.added_at}`],
    ["SHA-256", e.sha256],
    ...extra(e),
  ];
  return h(
    "dl",
    { class: "evidence-meta" },
    rows.map(([k, v]) => [h("dt", {}, k), h("dd", { class: HASHES.includes(k) ? "hash" : null }, v)]),
  );
}

/** The proof bundle of the attachment's entry: whoever holds a copy checks it offline. */
function proofLink(e, file) {
  return h(
    "p",
    { class: "small proof-link" },
    h("a", { href: `${file}/bundle/${encodeURIComponent(e.id)}`, download: `${e.id}.json` }, "Proof bundle"),
    ` — check a copy: truce evidence verify FILE --bundle ${e.id}.json`,
  );
}

function card(e) {
  const file = `/api/v1/evidence/${e.sha256}`;
  const image = e.media_type.startsWith("image/");
  const video = e.media_type.startsWith("video/");
  const placeholder = () => h("div", { class: "thumb placeholder", "aria-hidden": "true" }, e.media_type.split("/")[0]);
  const thumb = image || video
    ? h("img", {
        src: `${file}/thumbnail`,
        alt: e.description || `Thumbnail of ${e.filename}`,
        class: e.graphic ? "thumb graphic" : "thumb",
        loading: "lazy",
      })
    : placeholder();
  // A video has a thumbnail (its first keyframe) only where the server has ffmpeg.
  if (video) thumb.addEventListener("error", () => thumb.replaceWith(placeholder()), { once: true });
  if (e.graphic) {
    thumb.title = "Graphic: click to show";
    thumb.addEventListener("click", () => thumb.classList.remove("graphic"));
  }
  const findings = e.findings.length
    ? h(
        "ul",
        { class: "findings" },
        e.findings.map((f) => h("li", { class: `finding finding-${f.kind}`, dataset: { kind: f.kind } }, f.text)),
      )
    : h("p", { class: "muted" }, "Nothing found against the report.");
  return h(
    "li",
    { class: "evidence-card", id: `evidence-${e.id}`, dataset: { sha: e.sha256, findings: String(e.findings.length) } },
    h("a", { href: file, target: "_blank", rel: "noopener" }, thumb),
    h("div", { class: "evidence-body" }, h("h3", {}, `${e.id}: `, h("a", { href: file, target: "_blank", rel: "noopener" }, e.filename)), e.description ? h("p", {}, e.description) : null, meta(e), findings, proofLink(e, file)),
  );
}

async function fill(list, status, incident) {
  let items;
  try {
    items = await api.evidence({ incident });
  } catch (err) {
    clear(list).append(h("li", { class: "error", role: "alert" }, err.message));
    return;
  }
  const nodes = items.length ? items.map(card) : [h("li", { class: "muted" }, "No evidence attached yet.")];
  clear(list).append(...nodes);
  list.dataset.count = String(items.length);
  status.textContent = `${items.length} file${items.length === 1 ? "" : "s"}`;
}

function upload(file, target, progress) {
  // XMLHttpRequest: fetch() cannot report an upload's progress. The body is the file itself.
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const params = new URLSearchParams({ [target.startsWith("R-") ? "report" : "incident"]: target, filename: file.name });
    xhr.open("POST", `/api/v1/evidence?${params}`);
    xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
    xhr.setRequestHeader("Accept", "application/json");
    const csrf = api.csrf();
    if (csrf) xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable) {
        progress.max = ev.total;
        progress.value = ev.loaded;
      }
    };
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = { message: xhr.responseText.slice(0, 200) };
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new Error((body && body.message) || `HTTP ${xhr.status}`));
    };
    xhr.onerror = () => reject(new Error("the upload failed (network)"));
    xhr.send(file);
  });
}

function uploader(app, inc, reports, refresh) {
  const targets = [[inc.id, `the incident ${inc.id}`], ...reports.map((r) => [r.id, `report ${r.id} (${r.author})`])];
  const target = select("target", targets, reports.length ? reports[0].id : inc.id, { id: "evidence-target" });
  const input = h("input", { type: "file", id: "evidence-file", multiple: true, class: "visually-hidden" });
  const queue = h("ul", { class: "upload-queue", id: "upload-queue", "aria-live": "polite" });
  const zone = h(
    "div",
    { class: "dropzone", id: "evidence-drop", tabindex: "0", role: "button", "aria-describedby": "evidence-drop-help" },
    h("strong", {}, "Drop photos, videos or documents here"),
    " or ",
    h("label", { for: "evidence-file", class: "link" }, "choose files"),
    h("div", { class: "help", id: "evidence-drop-help" }, "Each file is stored once by its SHA-256 and signed into the log; its type is read from its content."),
  );
  async function send(files) {
    for (const file of files) {
      const progress = h("progress", { max: file.size || 1, value: 0, "aria-label": `Uploading ${file.name}` });
      const line = h("li", {}, `${file.name} `, progress);
      queue.append(line);
      try {
        const added = await upload(file, target.value, progress);
        line.replaceChildren(`${file.name}: added as ${added.id}${added.findings.length ? ` — ${added.findings.length} finding${added.findings.length === 1 ? "" : "s"}` : ""}`);
        line.className = "done";
        announce(`${file.name} added`);
      } catch (err) {
        line.replaceChildren(`${file.name}: ${err.message}`);
        line.className = "error";
        line.setAttribute("role", "alert");
      }
    }
    await refresh();
  }
  input.addEventListener("change", () => send([...input.files]).then(() => (input.value = "")));
  zone.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      input.click();
    }
  });
  for (const name of ["dragenter", "dragover"]) {
    zone.addEventListener(name, (ev) => {
      ev.preventDefault();
      zone.classList.add("over");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (ev) => {
    ev.preventDefault();
    zone.classList.remove("over");
    send([...ev.dataTransfer.files]);
  });
  return h("div", { class: "evidence-upload" }, h("label", { for: "evidence-target" }, "Attach to "), target, zone, input, queue);
}

export function evidenceSection(app, inc, reports) {
  const list = h("ul", { class: "evidence-gallery", id: "evidence-gallery", dataset: { count: "" } });
  const status = h("span", { class: "muted" }, "");
  const refresh = () => fill(list, status, inc.id);
  const role = app.user && app.user.role;
  const section = h(
    "section",
    { "aria-labelledby": "evidence-title", id: "evidence" },
    h("h2", { id: "evidence-title" }, "Evidence ", status),
    UPLOAD_ROLES.includes(role) && app.user.party ? uploader(app, inc, reports || [], refresh) : null,
    list,
    MEMBER_ROLES.includes(role) ? null : h("p", { class: "muted" }, "The public sees the evidence of published incidents only."),
  );
  refresh();
  return section;
}
