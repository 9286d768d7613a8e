// truce's operating picture: the shell, sign-in and the hash router.
//
// Routes: #/map, #/incident/<id>, #/report/new, #/ingest, #/review[/<C-id>], #/patrol/new,
// #/signin.
// The map view is built once and kept (hidden) while other pages show, so coming back is instant
// and keeps its filters, view and selection.

import "maplibre-gl/dist/maplibre-gl.css";
import "./app.css";
import { ApiError, api, setCsrf } from "./api.js";
import { announce, clear, field, h } from "./dom.js";
import { consolePage } from "./console.js";
import { ingestForm, patrolForm } from "./forms.js";
import { Notifications, isMember } from "./collab.js";
import { renderIncident } from "./incident.js";
import { Live } from "./live.js";
import { MapView } from "./mapview.js";
import { reportForm } from "./reportform.js";
import { reviewClaim, reviewList } from "./review.js";

window.__truce = window.__truce || {};

// The pages in the navigation: where, label, and the page's name in the server's policy
// (GET /api/v1/me answers `may.pages`; without it, the roles below, as truce.access.policy has them).
const PAGES = [
  ["#/map", "Map", "map"],
  ["#/report/new", "File a report", "report"],
  ["#/ingest", "Ingest a page", "ingest"],
  ["#/review", "Review queue", "review"],
  ["#/patrol/new", "Plan a patrol", "patrol"],
  ["#/console", "Console", "console"],
];
const ROLE_PAGES = {
  report: ["officer", "monitor", "chair"],
  patrol: ["officer", "monitor", "chair"],
  ingest: ["monitor", "chair"],
  review: ["officer", "monitor", "analyst", "chair"],
  console: ["chair"],
};

class App {
  constructor() {
    this.user = null;
    this.parties = [];
    this.vocabData = null;
    this.header = document.getElementById("header");
    this.main = document.getElementById("main");
    this.page = h("div", { class: "page" });
    this.mapHolder = h("div", { class: "map-holder" });
    this.main.append(this.mapHolder, this.page);
    this.mapView = null;
    this.live = new Live();
    this.live.onstate = () => this.renderLiveState();
    this.live.on((type, data) => this.onLive(type, data));
    this.notes = new Notifications(this);
    window.addEventListener("hashchange", () => this.route());
  }

  /** A change arrived on the live stream: update what is on screen, without a reload. */
  onLive(type, data) {
    if (["report", "incident", "response", "signoff", "publication", "reset"].includes(type)) {
      clearTimeout(this.liveTimer);
      // The event's incidents are drawn from the event itself, at once; a burst of events (a
      // group commit) then gets one refetch of the list, which also brings what the event
      // does not carry (and anything a member may see that the event left out).
      const states = data.incidents || (data.incident ? [data.incident] : []);
      if (this.mapView && states.length && type !== "reset") this.mapView.patch(states);
      this.liveTimer = setTimeout(() => this.mapChanged().catch(() => {}), 400);
      const shown = /^#\/incident\/(.+)$/.exec(location.hash);
      const touched = [data.incident, ...(data.incidents || [])].filter(Boolean).map((i) => i.id);
      if (shown && touched.includes(decodeURIComponent(shown[1]))) this.incidentChanged(type, data);
      if (type === "report") announce(`New report ${data.id}${data.incident ? ` in ${data.incident.id}` : ""}`);
    }
    if (data.notifications && this.user) this.notes.add(data.index, data.notifications);
    if (type === "read" && this.user) this.notes.setRead(data.read_through);
    if (type === "comment" || type === "task") {
      const shown = /^#\/incident\/(.+)$/.exec(location.hash);
      const id = shown && decodeURIComponent(shown[1]);
      const about = data.incident && data.incident.id;
      if (id && about === id) {
        const section = document.getElementById(type === "comment" ? "comments" : "tasks");
        const holder = section && section.closest("section");
        if (holder && holder.reload) holder.reload();
      }
    }
    if (type === "patrol" && this.mapView) this.mapView.refreshPatrols().catch(() => {});
    if (["publication", "reset"].includes(type) && this.mapView) this.mapView.refreshEvidence().catch(() => {});
    if (type === "review" && location.hash.startsWith("#/review") && !/C-\d+/.test(location.hash)) this.route();
    for (const fn of this.liveHooks || []) fn(type, data);
  }

  incidentChanged(type, data) {
    let note = document.getElementById("live-note");
    if (!note) {
      note = h("div", { class: "live-note", id: "live-note", role: "status" });
      this.page.prepend(note);
    }
    const what = { report: `a new report (${data.id})`, response: `a response by ${data.author}`, signoff: `a sign-off by ${data.author}`, publication: "its publication" }[type] || "a change";
    clear(note).append(`This incident has changed: ${what}. `, h("button", { type: "button", class: "link", onclick: () => this.route() }, "Show the latest"));
  }

  renderLiveState() {
    const el = document.getElementById("live-state");
    if (!el) return;
    const state = this.live.state;
    el.textContent = state === "live" ? "● live" : state === "reconnecting" ? "○ reconnecting…" : "";
    el.title = state === "live" ? "New reports and changes appear without reloading" : "";
  }

  async start() {
    try {
      const me = await api.me();
      this.setUser(me);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) throw err;
      this.setUser(null);
    }
    this.route();
  }

  /** Whether the signed-in user's role may use `page` (the server says; it checks again). */
  may(page) {
    if (!this.user) return false;
    if (page === "map" || page === "incident") return true;
    if (this.pages) return this.pages.includes(page);
    return (ROLE_PAGES[page] || []).includes(this.user.role);
  }

  setUser(me) {
    // /me answers {username, role, party, via, csrf_token}; sign-in answers {user, csrf_token}.
    const user = me && (me.user || me);
    const anonymous = !user || !user.username || me.via === "anonymous";
    this.user = anonymous ? null : user;
    this.pages = me && me.may && Array.isArray(me.may.pages) ? me.may.pages : this.pages && this.user ? this.pages : null;
    setCsrf(me && me.csrf_token);
    if (this.user) this.live.start();
    else this.live.stop();
    if (isMember(this.user)) this.notes.load();
    this.renderHeader();
  }

  async vocab() {
    if (!this.vocabData) {
      const [vocab, parties] = await Promise.all([api.vocab(), api.parties()]);
      this.vocabData = vocab;
      this.parties = parties;
    }
    return this.vocabData;
  }

  partyName(id) {
    const p = this.parties.find((x) => x.id === id);
    return p ? p.name : id;
  }

  renderHeader() {
    // Offer only what the user's role may do (truce.access.policy); the server checks again.
    const nav = PAGES.filter(([, , page]) => this.may(page) && page !== "map").map(([href, label]) => [href, label]);
    nav.unshift(["#/map", "Map"]);
    const current = location.hash.split("?")[0] || "#/map";
    // Element.append writes null as the text "null": only the parts there are.
    const parts = [
      h("a", { href: "#/map", class: "brand" }, "truce", h("span", {}, " · operating picture")),
      this.user
        ? h(
            "nav",
            { "aria-label": "Main" },
            h("ul", {}, nav.map(([href, label]) => h("li", {}, h("a", { href, "aria-current": href === current ? "page" : null }, label)))),
          )
        : null,
      h(
        "div",
        { class: "who" },
        this.user
          ? [
              h("span", { id: "live-state", class: "live-state", "aria-live": "off" }),
              isMember(this.user) ? this.notes.badge : null,
              isMember(this.user) ? this.notes.panel : null,
              h("span", { id: "who" }, `${this.user.username} · ${this.user.role}${this.user.party ? ` · ${this.user.party}` : ""}`),
              h("button", { type: "button", class: "link", onclick: () => this.signOut() }, "Sign out"),
            ]
          : null,
      ),
    ];
    clear(this.header).append(...parts.filter(Boolean));
    this.renderLiveState();
  }

  async signOut() {
    try {
      await api.signOut();
    } finally {
      location.hash = "#/signin";
      location.reload();
    }
  }

  /** After a write: fetch the incidents again; `layers` also reloads zones, sites and patrols. */
  async mapChanged(layers = false) {
    if (!this.mapView) return;
    if (layers) {
      // Zones, sites or patrols changed: build the map again (freeing the old WebGL context).
      if (this.mapView.map) this.mapView.map.remove();
      this.mapView = null;
      delete document.body.dataset.incidentsRendered;
      delete window.__truce.map;
      clear(this.mapHolder);
      return;
    }
    await this.mapView.refresh();
  }

  async route() {
    // Two navigations can overlap (a hash change while the vocabularies load): only the latest
    // renders, so a page is never drawn twice into one another.
    const [path, query] = (location.hash.slice(1) || "/map").split("?");
    const params = new URLSearchParams(query || "");
    if (!this.user && path !== "/signin") {
      location.hash = `#/signin?next=${encodeURIComponent(location.hash || "#/map")}`;
      return;
    }
    const seq = (this._routeSeq = (this._routeSeq || 0) + 1);
    this.renderHeader();
    clear(this.page);
    const onMap = path === "/map" || path === "";
    this.mapHolder.hidden = !onMap;
    this.page.hidden = onMap;
    document.body.dataset.route = path.split("/")[1] || "map";
    try {
      if (path === "/signin") return this.signInPage(params);
      await this.vocab();
      if (seq !== this._routeSeq) return;
      clear(this.page);
      if (onMap) {
        document.title = "Map · truce";
        if (!this.mapView) this.mapView = new MapView(this);
        await this.mapView.mount(this.mapHolder, params);
        return;
      }
      const incident = /^\/incident\/(.+)$/.exec(path);
      if (incident) {
        document.title = `${decodeURIComponent(incident[1])} · truce`;
        return await renderIncident(this, this.page, decodeURIComponent(incident[1]));
      }
      const pageOf = { "/report/new": "report", "/ingest": "ingest", "/review": "review", "/patrol/new": "patrol", "/console": "console" };
      const wanted = pageOf[path] || (path.startsWith("/review/") ? "review" : null);
      if (wanted && !this.may(wanted)) {
        document.title = "Not for your role · truce";
        this.page.append(
          h("h1", { tabindex: "-1" }, "This page is not for your role"),
          h("p", {}, `A ${this.user.role} may not use it; what you may use is in the menu above.`),
          h("p", {}, h("a", { href: "#/map" }, "Back to the map")),
        );
        return;
      }
      if (path === "/console") return await consolePage(this, this.page);
      if (path === "/report/new") return reportForm(this, this.page);
      if (path === "/ingest") return ingestForm(this, this.page);
      if (path === "/review") return await reviewList(this, this.page, params);
      const claim = /^\/review\/(C-\d+)$/.exec(path);
      if (claim) return await reviewClaim(this, this.page, claim[1]);
      if (path === "/patrol/new") return patrolForm(this, this.page);
      this.page.append(h("h1", {}, "Not found"), h("p", {}, h("a", { href: "#/map" }, "Back to the map")));
    } catch (err) {
      this.page.hidden = false;
      this.page.append(h("p", { class: "error", role: "alert" }, `Could not load this page: ${err.message}`));
      if (err instanceof ApiError && err.status === 401) {
        this.setUser(null);
        location.hash = "#/signin";
      }
    }
  }

  signInPage(params) {
    document.title = "Sign in · truce";
    const username = h("input", { name: "username", id: "username", autocomplete: "username", required: true });
    const password = h("input", { name: "password", id: "password", type: "password", autocomplete: "current-password", required: true });
    const out = h("p", { class: "status", role: "status" });
    const form = h(
      "form",
      { class: "form signin", id: "signin-form", "aria-labelledby": "signin-title" },
      h("h1", { id: "signin-title" }, "Sign in"),
      h("p", { class: "muted" }, "The joint center's shared record. Use the account your party or the center gave you."),
      field("User name", username),
      field("Password", password),
      h("button", { type: "submit" }, "Sign in"),
      out,
    );
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      out.textContent = "Signing in…";
      try {
        const me = await api.signIn(username.value.trim(), password.value);
        this.setUser(me);
        // /me also says which pages this role may use (may.pages).
        this.setUser(await api.me().catch(() => me));
        location.hash = params.get("next") || "#/map";
      } catch (err) {
        out.setAttribute("role", "alert");
        out.className = "status error";
        out.textContent = err.message;
        password.select();
      }
    });
    this.page.append(form);
    username.focus();
  }
}

new App().start().catch((err) => {
  document.getElementById("main").append(h("p", { class: "error", role: "alert" }, `truce could not start: ${err.message}`));
});
