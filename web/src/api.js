// The server's HTTP API as the UI uses it. Every path is named here, once.
//
// Errors come back in the server's one JSON shape ({status, code, message, field}); they are
// raised as ApiError so a form can put the message beside the field it names.

export class ApiError extends Error {
  constructor(status, body) {
    const message = (body && (body.message || body.detail)) || `HTTP ${status}`;
    super(typeof message === "string" ? message : JSON.stringify(message));
    this.status = status;
    this.code = body && body.code;
    this.field = body && body.field;
    this.hint = body && body.hint;
  }
}

let csrf = null;

export function setCsrf(token) {
  csrf = token || null;
}

async function request(method, path, { json, form, raw, signal } = {}) {
  const headers = { Accept: "application/json" };
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = form;
  } else if (raw !== undefined) {
    headers["Content-Type"] = "application/octet-stream";
    body = raw;
  }
  if (csrf && method !== "GET") headers["X-CSRF-Token"] = csrf;
  const res = await fetch(path, { method, headers, body, signal, credentials: "same-origin" });
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text.slice(0, 200) };
    }
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const api = {
  csrf: () => csrf,

  // The evidence locker (truce.web.routes.evidence); uploads go through evidence.js (progress).
  evidence: (params = {}) => request("GET", `/api/v1/evidence?${new URLSearchParams(params)}`),

  // Sessions (the server's auth routes).
  me: () => request("GET", "/api/v1/me"),
  signIn: (username, password) =>
    request("POST", "/api/v1/session", { json: { username, password } }),
  signOut: () => request("DELETE", "/api/v1/session"),

  // The map's own routes (truce.web.routes_map).
  vocab: () => request("GET", "/api/v1/map/vocab"),
  layers: () => request("GET", "/api/v1/map/layers"),
  basemap: (name) => `/api/v1/map/basemap/${name}.geojson`,
  incidents: (params = {}) => request("GET", `/api/v1/map/incidents?${new URLSearchParams(params)}`),
  zones: () => request("GET", "/api/v1/map/zones"),
  sites: () => request("GET", "/api/v1/map/sites"),
  patrols: () => request("GET", "/api/v1/map/patrols"),
  evidenceLayer: () => request("GET", "/api/v1/map/evidence"),
  incident: (id) => request("GET", `/api/v1/map/incidents/${encodeURIComponent(id)}`),
  proof: (index) => request("GET", `/api/v1/map/proof/${index}`),
  parties: () => request("GET", "/api/v1/map/parties"),

  // Writes (the server's routes).
  report: (id) => request("GET", `/api/v1/reports/${encodeURIComponent(id)}`),
  fileReport: (report) => request("POST", "/api/v1/reports", { json: report }),
  respond: (response) => request("POST", "/api/v1/responses", { json: response }),
  // Collaboration (truce.web.routes.collab).
  comments: (id) => request("GET", `/api/v1/incidents/${encodeURIComponent(id)}/comments`),
  comment: (id, body) => request("POST", `/api/v1/incidents/${encodeURIComponent(id)}/comments`, { json: body }),
  tasks: (params = {}) => request("GET", `/api/v1/tasks?${new URLSearchParams(params)}`),
  addTask: (body) => request("POST", "/api/v1/tasks", { json: body }),
  taskStatus: (id, body) => request("POST", `/api/v1/tasks/${encodeURIComponent(id)}/status`, { json: body }),
  notifications: () => request("GET", "/api/v1/notifications"),
  unread: () => request("GET", "/api/v1/notifications/unread"),
  markRead: (through) => request("POST", "/api/v1/notifications/read", { json: { through } }),
  // The document's bytes as the body; name, url, outlet, published as query parameters.
  ingest: (bytes, params) =>
    request("POST", `/api/v1/ingest?${new URLSearchParams(params)}`, { raw: bytes }),
  // What a filing would sign, without signing (the form's review step).
  preview: (kind, body) => request("POST", `/api/v1/map/preview/${encodeURIComponent(kind)}`, { json: body }),
  // The server's place search (name, admin, lat, lon); the report form falls back to the
  // gazetteer's villages and towns when the server has none.
  places: (q) => request("GET", `/api/v1/places?${new URLSearchParams({ q, limit: 8 })}`),
  planPatrol: (plan) => request("POST", "/api/v1/map/patrols", { json: plan }),

  // Release and the chair's console (truce.web.routes.incidents, routes.capabilities,
  // routes_exports).
  incidentsList: (params = {}) => request("GET", `/api/v1/incidents?${new URLSearchParams(params)}`),
  releaseState: (id) => request("GET", `/api/v1/incidents/${encodeURIComponent(id)}`),
  signOff: (id, decision, note = "") =>
    request("POST", `/api/v1/incidents/${encodeURIComponent(id)}/signoff`, { json: { decision, note } }),
  publish: (id) => request("POST", `/api/v1/incidents/${encodeURIComponent(id)}/publish`),
  override: (id, reason, hours) =>
    request("POST", `/api/v1/incidents/${encodeURIComponent(id)}/override`, { json: { reason, hours } }),
  merge: (incidents, text) => request("POST", "/api/v1/incidents/merge", { json: { incidents, text } }),
  split: (id, reports, text) =>
    request("POST", `/api/v1/incidents/${encodeURIComponent(id)}/split`, { json: { reports, text } }),
  exportFormats: () => request("GET", "/api/v1/exports/formats"),
  situationUrl: (kind, params) => `/api/v1/situation-reports/${kind}?${new URLSearchParams(params)}`,
  exportUrl: (name, params) => `/api/v1/exports/${encodeURIComponent(name)}?${new URLSearchParams(params)}`,

  // The review queue of pending claims (truce.web.routes_review).
  reviewClaims: (params = {}) => request("GET", `/api/v1/review/claims?${new URLSearchParams(params)}`),
  reviewClaim: (id) => request("GET", `/api/v1/review/claims/${encodeURIComponent(id)}`),
  acceptClaim: (id, body) => request("POST", `/api/v1/review/claims/${encodeURIComponent(id)}/accept`, { json: body }),
  rejectClaim: (id, body) => request("POST", `/api/v1/review/claims/${encodeURIComponent(id)}/reject`, { json: body }),
  reviewHistory: (reports) =>
    request("GET", `/api/v1/review/history?${new URLSearchParams(reports.map((r) => ["report", r]))}`),
};
