// The operating picture: the map, its layers, the filters, the timeline and the list beside it.

import * as maplibregl from "maplibre-gl";
// The worker script is a separate file: bundled as an asset and pointed to, never fetched elsewhere.
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import { api } from "./api.js";
import { DAY_MS, announce, clear, dayToIso, h, isoToDay } from "./dom.js";
import { IncidentSet } from "./incidents.js";
import {
  FAMILY_LABELS,
  FAMILY_SHAPES,
  GRADE_COLORS,
  GRADE_LABELS,
  SITE_LABELS,
  ZONE_COLORS,
  basemapStyle,
  drawShape,
  swatch,
} from "./style.js";

maplibregl.setWorkerUrl(workerUrl);

const LIST_LIMIT = 200;
const EMPTY = { type: "FeatureCollection", features: [] };
const INITIAL_VIEW = { center: [36.65, 35.75], zoom: 7.6 };

export class MapView {
  constructor(app) {
    this.app = app;
    this.root = h("div", { class: "mapview" });
    this.ready = null;
    this.set = null;
    this.selected = -1;
    this.filters = null;
    this.pending = false;
    this.playing = null;
  }

  /** Build once; later visits show the same map, filters and selection. */
  async mount(container, params) {
    container.appendChild(this.root);
    const built = Boolean(this.ready);
    if (!this.ready) this.ready = this.build();
    await this.ready;
    this.map.resize();
    // Files are attached on the incident page: coming back to the map, draw them.
    if (built) this.refreshEvidence().catch(() => {});
    if (params.get("focus")) this.focusIncident(params.get("focus"));
  }

  async build() {
    const [vocab, layers, cols, zones, sites, patrols, evidence] = await Promise.all([
      this.app.vocab(),
      api.layers(),
      api.incidents({ limit: 250000 }),
      // The public role may not read the agreement layers: the map shows incidents alone.
      api.zones().catch(() => EMPTY),
      api.sites().catch(() => EMPTY),
      api.patrols().catch(() => EMPTY),
      // Where photos say they were taken, against where the record says (the public: only
      // published incidents' files).
      api.evidenceLayer().catch(() => EMPTY),
    ]);
    this.vocab = vocab;
    this.layerInfo = layers;
    this.zones = zones;
    this.sites = sites;
    this.patrols = patrols;
    this.evidence = evidence;
    this.set = new IncidentSet(cols);
    const s = this.set;
    this.filters = {
      subTypes: null,
      grades: new Set(s.dict.grade),
      families: new Set(s.dict.family),
      party: "",
      zone: null,
      from: s.firstDay,
      to: s.lastDay,
    };
    this.renderShell();
    await this.buildMap();
    this.apply();
    this.built = true;
  }

  // -- layout -------------------------------------------------------------------------------
  renderShell() {
    const s = this.set;
    this.mapEl = h("div", {
      class: "map",
      id: "map",
      role: "region",
      "aria-label": "Map. Arrow keys pan, plus and minus zoom.",
    });
    this.listEl = h("ol", { class: "incident-list", id: "incident-list", "aria-label": "Incidents in view" });
    this.countEl = h("p", { class: "count", "aria-live": "polite" });
    this.detailEl = h("div", { class: "detail", "aria-live": "polite" });
    this.timelineEl = this.renderTimeline();
    const side = h(
      "aside",
      { class: "side", "aria-label": "Filters and incidents in view" },
      this.renderFilters(),
      h("h2", { class: "side-title", id: "list-title" }, "In view"),
      this.countEl,
      this.detailEl,
      this.listEl,
    );
    const note = s.truncated
      ? h("p", { class: "warning" }, `Showing the newest ${s.n} of ${s.total} incidents.`)
      : null;
    clear(this.root).append(
      h("div", { class: "map-wrap" }, this.mapEl, this.renderLegend(), note),
      side,
      this.timelineEl,
    );
  }

  renderFilters() {
    const s = this.set;
    const typeSel = h("select", { id: "filter-type", name: "type" }, h("option", { value: "" }, "All types"));
    for (const [type, subs] of Object.entries(this.vocab.event_types)) {
      const group = h("optgroup", { label: type });
      group.append(h("option", { value: `type:${type}` }, `${type} (all)`));
      for (const sub of subs) group.append(h("option", { value: `sub:${sub}` }, sub));
      typeSel.append(group);
    }
    typeSel.addEventListener("change", () => {
      const v = typeSel.value;
      if (!v) this.filters.subTypes = null;
      else if (v.startsWith("sub:")) this.filters.subTypes = new Set([v.slice(4)]);
      else this.filters.subTypes = new Set(this.vocab.event_types[v.slice(5)]);
      this.apply();
    });

    const gradeBoxes = s.dict.grade.map((g) =>
      h(
        "label",
        { class: "check" },
        h("input", {
          type: "checkbox",
          name: "grade",
          value: g,
          checked: true,
          onchange: (e) => {
            e.target.checked ? this.filters.grades.add(g) : this.filters.grades.delete(g);
            this.apply();
          },
        }),
        h("span", { class: "dot", style: `background:${GRADE_COLORS[g] || "#999"}`, "aria-hidden": "true" }),
        GRADE_LABELS[g] || g,
      ),
    );

    const partySel = h(
      "select",
      { id: "filter-party", name: "party" },
      h("option", { value: "" }, "Any party"),
      h("optgroup", { label: "Reported by" }, s.dict.party.map((p) => h("option", { value: `by:${p}` }, `Reported by ${this.app.partyName(p)}`))),
      h("optgroup", { label: "Held responsible" }, s.dict.party.map((p) => h("option", { value: `resp:${p}` }, `${this.app.partyName(p)} held responsible`))),
    );
    partySel.addEventListener("change", () => {
      this.filters.party = partySel.value;
      this.apply();
    });

    const zoneSel = h(
      "select",
      { id: "filter-zone", name: "zone" },
      h("option", { value: "" }, "Anywhere"),
      this.zones.features.map((z) =>
        h("option", { value: z.properties.id }, `Inside ${z.properties.name}${z.properties.approximate ? " (approx.)" : ""}`),
      ),
    );
    zoneSel.addEventListener("change", () => {
      this.filters.zone = this.zones.features.find((z) => z.properties.id === zoneSel.value) || null;
      this.apply();
    });

    this.fromInput = h("input", { type: "date", id: "filter-from", name: "from" });
    this.toInput = h("input", { type: "date", id: "filter-to", name: "to" });
    const onDate = () => {
      const from = this.fromInput.value ? isoToDay(this.fromInput.value) : s.firstDay;
      const to = this.toInput.value ? isoToDay(this.toInput.value) : s.lastDay;
      this.setWindow(Math.min(from, to), Math.max(from, to));
    };
    this.fromInput.addEventListener("change", onDate);
    this.toInput.addEventListener("change", onDate);

    return h(
      "form",
      { class: "filters", "aria-label": "Filters", onsubmit: (e) => e.preventDefault() },
      h("div", { class: "field" }, h("label", { for: "filter-type" }, "Type"), typeSel),
      h("fieldset", { class: "grades" }, h("legend", {}, "Occurrence grade"), gradeBoxes),
      h("div", { class: "field" }, h("label", { for: "filter-party" }, "Party"), partySel),
      h("div", { class: "field" }, h("label", { for: "filter-zone" }, "Zone"), zoneSel),
      h(
        "div",
        { class: "field dates" },
        h("label", { for: "filter-from" }, "From"),
        this.fromInput,
        h("label", { for: "filter-to" }, "To"),
        this.toInput,
      ),
    );
  }

  renderLegend() {
    const layerToggles = [
      ["zones", "Zones"],
      ["sites", "Protected sites"],
      ["posts", "Observation posts"],
      ["patrols", "Patrol routes and tracks"],
      ["evidence", "Photos: where taken vs. claimed"],
      ["incidents", "Incidents"],
    ].map(([key, label]) =>
      h(
        "label",
        { class: "check" },
        h("input", {
          type: "checkbox",
          name: "layer",
          value: key,
          checked: true,
          onchange: (e) => this.toggleLayer(key, e.target.checked),
        }),
        label,
      ),
    );
    const families = this.set.dict.family.filter((f) => FAMILY_SHAPES[f]);
    return h(
      "details",
      { class: "legend", id: "legend", open: window.innerWidth > 900 && window.innerHeight > 900 },
      h("summary", {}, "Legend and layers"),
      h("fieldset", {}, h("legend", {}, "Layers"), layerToggles),
      h(
        "div",
        { class: "legend-block" },
        h("strong", {}, "Grade (colour)"),
        h(
          "ul",
          {},
          this.set.dict.grade.map((g) =>
            h("li", {}, swatch("circle", GRADE_COLORS[g] || "#999"), GRADE_LABELS[g] || g),
          ),
        ),
      ),
      h(
        "div",
        { class: "legend-block" },
        h("strong", {}, "Event family (shape)"),
        h(
          "ul",
          {},
          families.map((f) => h("li", {}, swatch(FAMILY_SHAPES[f], "#333"), FAMILY_LABELS[f] || f)),
        ),
      ),
      h(
        "div",
        { class: "legend-block" },
        h("strong", {}, "Agreement"),
        h(
          "ul",
          {},
          h("li", {}, h("span", { class: "zone-key", "aria-hidden": "true" }), "Zone (solid edge)"),
          h("li", {}, h("span", { class: "zone-key approx", "aria-hidden": "true" }), "Zone, approximate geometry (dashed edge)"),
          h("li", {}, h("span", { class: "site-key", "aria-hidden": "true" }), "Protected site"),
          h("li", {}, h("span", { class: "post-key", "aria-hidden": "true" }), "Observation post / base"),
          h("li", {}, h("span", { class: "route-key", "aria-hidden": "true" }), "Patrol route (dashed) / track"),
        ),
      ),
    );
  }

  // -- timeline -----------------------------------------------------------------------------
  renderTimeline() {
    const s = this.set;
    this.histCanvas = h("canvas", { class: "histogram", "aria-hidden": "true", height: 48 });
    const range = (id, label, value) =>
      h("input", {
        type: "range",
        id,
        min: s.firstDay,
        max: s.lastDay,
        step: 1,
        value,
        "aria-label": label,
      });
    this.startRange = range("timeline-start", "First day shown", s.firstDay);
    this.endRange = range("timeline-end", "Last day shown", s.lastDay);
    const onRange = () => {
      const a = Number(this.startRange.value);
      const b = Number(this.endRange.value);
      this.setWindow(Math.min(a, b), Math.max(a, b));
    };
    this.startRange.addEventListener("input", onRange);
    this.endRange.addEventListener("input", onRange);
    this.windowLabel = h("output", { class: "window-label", for: "timeline-start timeline-end" });
    this.playButton = h(
      "button",
      { type: "button", class: "play", "aria-pressed": "false", onclick: () => this.togglePlay() },
      "▶ Play",
    );
    const step = (days) => () => {
      const len = this.filters.to - this.filters.from;
      const from = Math.min(Math.max(this.filters.from + days, s.firstDay), s.lastDay - len);
      this.setWindow(from, from + len);
    };
    return h(
      "section",
      { class: "timeline", "aria-label": "Timeline" },
      h(
        "div",
        { class: "timeline-controls" },
        h("button", { type: "button", onclick: step(-1), "aria-label": "One day earlier" }, "◀"),
        this.playButton,
        h("button", { type: "button", onclick: step(1), "aria-label": "One day later" }, "▶"),
        h(
          "button",
          {
            type: "button",
            onclick: () => this.setWindow(this.filters.to, this.filters.to),
            title: "Show only the last day of the window",
          },
          "One day",
        ),
        h("button", { type: "button", onclick: () => this.setWindow(s.firstDay, s.lastDay) }, "All days"),
        this.windowLabel,
      ),
      h("div", { class: "timeline-track" }, this.histCanvas, this.startRange, this.endRange),
    );
  }

  setWindow(from, to) {
    this.filters.from = from;
    this.filters.to = to;
    this.apply();
  }

  togglePlay() {
    if (this.playing) {
      clearInterval(this.playing);
      this.playing = null;
      this.playButton.textContent = "▶ Play";
      this.playButton.setAttribute("aria-pressed", "false");
      return;
    }
    const s = this.set;
    let day = this.filters.from === s.firstDay && this.filters.to === s.lastDay ? s.firstDay : this.filters.from;
    this.playButton.textContent = "❚❚ Pause";
    this.playButton.setAttribute("aria-pressed", "true");
    this.playing = setInterval(() => {
      if (day > s.lastDay) return this.togglePlay();
      this.setWindow(day, day);
      day += 1;
    }, 800);
  }

  drawHistogram(basis) {
    const s = this.set;
    const canvas = this.histCanvas;
    const width = canvas.clientWidth || 600;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(48 * ratio);
    const ctx = canvas.getContext("2d");
    ctx.scale(ratio, ratio);
    const counts = s.histogram(basis, s.firstDay, s.lastDay);
    const max = Math.max(1, ...counts);
    const days = counts.length;
    const bw = width / days;
    for (let d = 0; d < days; d++) {
      const day = s.firstDay + d;
      const inWindow = day >= this.filters.from && day <= this.filters.to;
      ctx.fillStyle = inWindow ? "#2f4f6f" : "#c3c9cf";
      const bh = (counts[d] / max) * 44;
      ctx.fillRect(d * bw, 48 - bh, Math.max(1, bw - (bw > 3 ? 1 : 0)), bh);
    }
  }

  // -- the map ------------------------------------------------------------------------------
  async buildMap() {
    const map = new maplibregl.Map({
      container: this.mapEl,
      style: basemapStyle(api.basemap),
      ...INITIAL_VIEW,
      attributionControl: false,
      keyboard: true,
      localIdeographFontFamily: "sans-serif",
      maxBounds: [
        [30, 30],
        [44, 40],
      ],
    });
    this.map = map;
    // Hooks for the e2e tests and benchmarks/bench_web.py (read-only use).
    window.__truce.map = map;
    window.__truce.view = this;
    map.addControl(new maplibregl.NavigationControl({ visualizePitch: false }), "top-right");
    map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
    map.addControl(
      new maplibregl.AttributionControl({ compact: true, customAttribution: this.layerInfo.attribution_html }),
      "bottom-right",
    );
    await new Promise((resolve) => map.on("load", resolve));
    // Start with the credits folded to their (i) button: they open on click or Enter.
    const attrib = this.mapEl.querySelector(".maplibregl-ctrl-attrib");
    if (attrib) {
      attrib.removeAttribute("open");
      attrib.classList.remove("maplibregl-compact-show");
    }

    for (const [family, shape] of Object.entries(FAMILY_SHAPES)) {
      const canvas = drawShape(shape, 48);
      const data = canvas.getContext("2d").getImageData(0, 0, 48, 48);
      map.addImage(`fam-${family}`, data, { sdf: true, pixelRatio: 2 });
    }

    map.addSource("zones", { type: "geojson", data: this.zones });
    const zoneColor = ["match", ["get", "kind"], ...Object.entries(ZONE_COLORS).flat(), "#555"];
    map.addLayer({ id: "zones-fill", type: "fill", source: "zones", paint: { "fill-color": zoneColor, "fill-opacity": 0.12 } });
    map.addLayer({
      id: "zones-line",
      type: "line",
      source: "zones",
      filter: ["!", ["get", "approximate"]],
      paint: { "line-color": zoneColor, "line-width": 2 },
    });
    map.addLayer({
      id: "zones-line-approx",
      type: "line",
      source: "zones",
      filter: ["get", "approximate"],
      paint: { "line-color": zoneColor, "line-width": 2, "line-dasharray": [3, 2] },
    });
    map.addLayer({
      id: "zones-label",
      type: "symbol",
      source: "zones",
      layout: {
        "text-field": ["case", ["get", "approximate"], ["concat", ["get", "name"], "\n(approximate geometry)"], ["get", "name"]],
        "text-font": ["sans-serif"],
        "text-size": 12,
        "symbol-placement": "point",
      },
      paint: { "text-color": zoneColor, "text-halo-color": "#fff", "text-halo-width": 1.5 },
    });

    map.addSource("patrols", { type: "geojson", data: this.patrols });
    map.addLayer({
      id: "patrol-routes",
      type: "line",
      source: "patrols",
      filter: ["==", ["get", "layer"], "route"],
      paint: { "line-color": "#1a9850", "line-width": 3, "line-dasharray": [2, 1.5] },
    });
    map.addLayer({
      id: "patrol-tracks",
      type: "line",
      source: "patrols",
      filter: ["==", ["get", "layer"], "track"],
      paint: { "line-color": "#006837", "line-width": 2 },
    });

    map.addSource("evidence", { type: "geojson", data: this.evidence });
    map.addLayer({
      id: "evidence-offsets",
      type: "line",
      source: "evidence",
      filter: ["==", ["get", "layer"], "offset"],
      paint: { "line-color": "#b35806", "line-width": 1.5, "line-dasharray": [1, 1.5] },
    });
    map.addLayer({
      id: "evidence-photos",
      type: "circle",
      source: "evidence",
      filter: ["==", ["get", "layer"], "photo"],
      paint: {
        "circle-radius": ["interpolate", ["linear"], ["zoom"], 6, 3, 12, 6],
        "circle-color": ["case", ["to-boolean", ["get", "place_finding"]], "#b35806", "#fdb863"],
        "circle-stroke-color": "#3b1e02",
        "circle-stroke-width": 1.5,
      },
    });

    map.addSource("sites", { type: "geojson", data: this.sites });
    const isPost = ["in", ["get", "kind"], ["literal", ["observation_post", "base"]]];
    map.addLayer({
      id: "sites",
      type: "circle",
      source: "sites",
      filter: ["!", isPost],
      paint: {
        "circle-radius": ["interpolate", ["linear"], ["zoom"], 6, 3, 12, 6],
        "circle-color": "#ffffff",
        "circle-stroke-color": "#1b7837",
        "circle-stroke-width": 2,
      },
    });
    map.addLayer({
      id: "posts",
      type: "symbol",
      source: "sites",
      filter: isPost,
      layout: { "icon-image": "fam-square", "icon-size": 0.55, "icon-allow-overlap": true },
      paint: { "icon-color": "#222", "icon-halo-color": "#fff", "icon-halo-width": 1 },
    });
    map.addImage("fam-square", imageOf("square"), { sdf: true, pixelRatio: 2 });
    map.addLayer({
      id: "sites-label",
      type: "symbol",
      source: "sites",
      minzoom: 10,
      layout: {
        "text-field": ["get", "name"],
        "text-font": ["sans-serif"],
        "text-size": 11,
        "text-offset": [0, 1.1],
        "text-anchor": "top",
      },
      paint: { "text-color": "#1b3b20", "text-halo-color": "#fff", "text-halo-width": 1.2 },
    });

    map.addSource("incidents", {
      type: "geojson",
      data: { type: "FeatureCollection", features: [] },
      cluster: true,
      clusterRadius: 32,
      clusterMaxZoom: 10,
    });
    map.addLayer({
      id: "clusters",
      type: "circle",
      source: "incidents",
      filter: ["has", "point_count"],
      paint: {
        "circle-color": "rgba(40,52,66,0.82)",
        "circle-stroke-color": "#fff",
        "circle-stroke-width": 1.5,
        "circle-radius": ["step", ["get", "point_count"], 12, 10, 15, 100, 19, 1000, 24, 10000, 30],
      },
    });
    map.addLayer({
      id: "cluster-count",
      type: "symbol",
      source: "incidents",
      filter: ["has", "point_count"],
      layout: {
        "text-field": ["get", "point_count_abbreviated"],
        "text-font": ["sans-serif"],
        "text-size": 12,
        "text-allow-overlap": true,
      },
      paint: { "text-color": "#fff" },
    });
    const s = this.set;
    const gradeColor = ["match", ["get", "g"], ...s.dict.grade.flatMap((g, i) => [i, GRADE_COLORS[g] || "#999"]), "#999"];
    const familyIcon = ["match", ["get", "f"], ...s.dict.family.flatMap((f, i) => [i, `fam-${FAMILY_SHAPES[f] ? f : "other"}`]), "fam-other"];
    map.addLayer({
      id: "incidents",
      type: "symbol",
      source: "incidents",
      filter: ["!", ["has", "point_count"]],
      layout: {
        "icon-image": familyIcon,
        "icon-size": ["interpolate", ["linear"], ["zoom"], 8, 0.55, 13, 0.85],
        "icon-allow-overlap": true,
      },
      paint: { "icon-color": gradeColor, "icon-halo-color": "#fff", "icon-halo-width": 1.5 },
    });
    map.addSource("selected", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    map.addLayer({
      id: "selected",
      type: "circle",
      source: "selected",
      paint: {
        "circle-radius": 14,
        "circle-color": "rgba(0,0,0,0)",
        "circle-stroke-color": "#000",
        "circle-stroke-width": 3,
      },
    });

    map.on("click", "clusters", async (e) => {
      const feature = e.features[0];
      const zoom = await map.getSource("incidents").getClusterExpansionZoom(feature.properties.cluster_id);
      map.easeTo({ center: feature.geometry.coordinates, zoom });
    });
    map.on("click", "incidents", (e) => this.select(e.features[0].properties.i, { fly: false }));
    map.on("click", "sites", (e) => this.showSite(e.features[0]));
    map.on("click", "posts", (e) => this.showSite(e.features[0]));
    map.on("click", "evidence-photos", (e) => this.showPhoto(e.features[0]));
    for (const layer of ["clusters", "incidents", "sites", "posts", "evidence-photos"]) {
      map.on("mouseenter", layer, () => (map.getCanvas().style.cursor = "pointer"));
      map.on("mouseleave", layer, () => (map.getCanvas().style.cursor = ""));
    }
    // The list follows the view once the map settles: rebuilding it on every step of a pan
    // would walk all incidents per frame.
    let settle = 0;
    map.on("moveend", () => {
      clearTimeout(settle);
      settle = setTimeout(() => this.renderList(), 150);
    });
    map.on("sourcedata", (e) => {
      if (e.sourceId === "incidents" && e.isSourceLoaded && this.pendingMark) {
        const mark = this.pendingMark;
        this.pendingMark = null;
        map.once("idle", () => {
          window.__truce.rendered = { ...mark, at: performance.now() };
          document.body.dataset.incidentsRendered = String(mark.count);
        });
      }
    });
  }

  toggleLayer(key, on) {
    const ids = {
      zones: ["zones-fill", "zones-line", "zones-line-approx", "zones-label"],
      sites: ["sites", "sites-label"],
      posts: ["posts"],
      patrols: ["patrol-routes", "patrol-tracks"],
      evidence: ["evidence-offsets", "evidence-photos"],
      incidents: ["clusters", "cluster-count", "incidents", "selected"],
    }[key];
    for (const id of ids) this.map.setLayoutProperty(id, "visibility", on ? "visible" : "none");
  }

  // -- filtering and the list ---------------------------------------------------------------
  apply() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      const s = this.set;
      const f = this.filters;
      this.mask = s.mask(f);
      const data = s.features(this.mask);
      this.pendingMark = { count: data.features.length };
      this.map.getSource("incidents").setData(data);
      this.drawHistogram(s.mask(f, true));
      this.startRange.value = f.from;
      this.endRange.value = f.to;
      this.fromInput.value = dayToIso(f.from);
      this.toInput.value = dayToIso(f.to);
      const label = f.from === f.to ? dayToIso(f.from) : `${dayToIso(f.from)} – ${dayToIso(f.to)}`;
      this.windowLabel.textContent = label;
      this.startRange.setAttribute("aria-valuetext", dayToIso(f.from));
      this.endRange.setAttribute("aria-valuetext", dayToIso(f.to));
      this.renderList();
    });
  }

  renderList() {
    const s = this.set;
    if (!this.mask) return;
    const b = this.map.getBounds();
    const w = b.getWest();
    const e = b.getEast();
    const so = b.getSouth();
    const n = b.getNorth();
    const items = [];
    let inView = 0;
    let passing = 0;
    for (let i = 0; i < s.n; i++) {
      if (!this.mask[i]) continue;
      passing++;
      const x = s.lon[i];
      const y = s.lat[i];
      if (Number.isNaN(x) || x < w || x > e || y < so || y > n) continue;
      inView++;
      if (items.length < LIST_LIMIT) items.push(i);
    }
    this.countEl.textContent =
      `${inView.toLocaleString("en")} in view of ${passing.toLocaleString("en")} matching` +
      (inView > LIST_LIMIT ? `; the newest ${LIST_LIMIT} are listed (zoom in for the rest)` : "");
    const list = clear(this.listEl);
    for (const i of items) list.append(this.listItem(i));
    this.visibleItems = items;
    // One tab stop for the whole list (the selected item, else the first); arrows move within.
    const links = list.querySelectorAll("a.item");
    const stop = [...links].find((a) => Number(a.dataset.i) === this.selected) || links[0];
    if (stop) stop.tabIndex = 0;
    document.body.dataset.listed = String(items.length);
  }

  listItem(i) {
    const s = this.set;
    const grade = s.gradeName(i);
    const family = s.familyName(i);
    const start = dayToIso(s.start[i]);
    const end = dayToIso(s.end[i]);
    const link = h(
      "a",
      {
        href: `#/incident/${encodeURIComponent(s.id[i])}`,
        class: "item",
        tabindex: "-1",
        dataset: { i: String(i), id: s.id[i] },
        onfocus: () => this.select(i, { fly: false, fromList: true }),
        onkeydown: (e) => this.listKey(e, i),
        "aria-current": i === this.selected ? "true" : null,
      },
      swatch(FAMILY_SHAPES[family] || "ring", GRADE_COLORS[grade] || "#999", 16),
      h(
        "span",
        { class: "item-text" },
        h("span", { class: "item-title" }, `${s.typeName(i)} — ${s.place[i] || "unnamed place"}`),
        h(
          "span",
          { class: "item-meta" },
          `${s.id[i]} · ${start === end ? start : `${start}…${end}`} · ${GRADE_LABELS[grade] || grade} · ${s.reports[i]} report${s.reports[i] === 1 ? "" : "s"}`,
        ),
      ),
    );
    return h("li", {}, link);
  }

  listKey(e, i) {
    const links = [...this.listEl.querySelectorAll("a.item")];
    const at = links.findIndex((a) => Number(a.dataset.i) === i);
    let next = -1;
    if (e.key === "ArrowDown") next = Math.min(at + 1, links.length - 1);
    else if (e.key === "ArrowUp") next = Math.max(at - 1, 0);
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = links.length - 1;
    if (next >= 0) {
      e.preventDefault();
      links[at].tabIndex = -1;
      links[next].tabIndex = 0;
      links[next].focus();
    }
  }

  select(i, { fly = true, fromList = false } = {}) {
    const s = this.set;
    this.selected = i;
    const hasPoint = !Number.isNaN(s.lon[i]);
    this.map.getSource("selected").setData({
      type: "FeatureCollection",
      features: hasPoint ? [{ type: "Feature", properties: {}, geometry: { type: "Point", coordinates: [s.lon[i], s.lat[i]] } }] : [],
    });
    if (hasPoint && fly) this.map.easeTo({ center: [s.lon[i], s.lat[i]], zoom: Math.max(this.map.getZoom(), 12) });
    for (const a of this.listEl.querySelectorAll("a.item")) {
      const mine = Number(a.dataset.i) === i;
      a.toggleAttribute("aria-current", mine);
      if (!fromList) a.tabIndex = mine ? 0 : -1;
    }
    const parties = s.partyNames(i).map((p) => this.app.partyName(p));
    clear(this.detailEl).append(
      h(
        "div",
        { class: "card", id: "selected-card" },
        h("strong", {}, `${s.id[i]}: ${s.typeName(i)}`),
        h("div", {}, s.place[i] || "no place name"),
        h("div", {}, `Grade: ${GRADE_LABELS[s.gradeName(i)] || s.gradeName(i)}; reported by ${parties.join(", ") || "—"}`),
        s.responsibleName(i) ? h("div", {}, `Held responsible: ${this.app.partyName(s.responsibleName(i))}`) : null,
        h("a", { href: `#/incident/${encodeURIComponent(s.id[i])}`, class: "button" }, "Open incident page"),
      ),
    );
    if (!fromList) announce(`Selected ${s.id[i]}, ${s.typeName(i)} at ${s.place[i] || "unnamed place"}`);
  }

  /** A photo on the map: where its GPS says it was taken, how far from the claimed place. */
  showPhoto(feature) {
    const p = feature.properties;
    const line = (this.evidence.features || []).find(
      (f) => f.properties.layer === "offset" && f.properties.id === p.id,
    );
    const km = line ? line.properties.distance_km : null;
    const claimed = line ? line.properties.claimed_place || "the claimed place" : null;
    clear(this.detailEl).append(
      h(
        "div",
        { class: "card" },
        h("strong", {}, `${p.id}: ${p.filename}`),
        h("div", {}, p.captured ? `Taken ${p.captured.replace("T", " ")} (as the camera says)` : "No capture time"),
        km !== null ? h("div", {}, `${km < 10 ? km.toFixed(1) : Math.round(km)} km from ${claimed}`) : null,
        p.place_finding ? h("div", { class: "finding" }, p.place_finding) : null,
        h("div", {}, `Attached to ${p.report || p.incident || "—"}${p.findings ? `; ${p.findings} finding(s)` : ""}`),
        p.incident ? h("a", { href: `#/incident/${encodeURIComponent(p.incident)}`, class: "button" }, "Open incident page") : null,
      ),
    );
  }

  showSite(feature) {
    const p = feature.properties;
    clear(this.detailEl).append(
      h(
        "div",
        { class: "card" },
        h("strong", {}, p.name),
        h("div", {}, `${SITE_LABELS[p.kind] || p.kind}${p.approximate === true || p.approximate === "true" ? " (approximate location)" : ""}`),
        p.org ? h("div", {}, p.org) : null,
      ),
    );
  }

  /** Centre on an incident (or the incident of a report R-n) once the data is there. */
  focusIncident(id) {
    const i = this.set.byId.get(id);
    if (i === undefined) return false;
    const f = this.filters;
    if (this.set.end[i] < f.from || this.set.start[i] > f.to) this.setWindow(this.set.firstDay, this.set.lastDay);
    this.select(i, { fly: true });
    return true;
  }

  /** Fetch the incidents again (after a report is filed) keeping filters and view. */
  async refresh() {
    if (!this.ready) return;
    await this.ready;
    this.replaceSet(new IncidentSet(await api.incidents({ limit: 250000 })));
  }

  /**
   * Incidents as a live event describes them (added, changed or gone), drawn at once from the
   * event alone; the page's next full refresh confirms them against the server's list.
   */
  patch(states) {
    if (!this.built) return false;
    let set = this.set;
    for (const state of states) if (state && state.id) set = set.upsert(state);
    if (set !== this.set) this.replaceSet(set);
    return true;
  }

  replaceSet(set) {
    const old = this.set;
    this.set = set;
    const f = this.filters;
    const wasAll = f.from === old.firstDay && f.to === old.lastDay;
    if (wasAll || f.to >= old.lastDay) f.to = this.set.lastDay;
    if (wasAll) f.from = this.set.firstDay;
    for (const g of this.set.dict.grade) if (!old.dict.grade.includes(g)) f.grades.add(g);
    for (const x of this.set.dict.family) if (!old.dict.family.includes(x)) f.families.add(x);
    this.startRange.min = this.endRange.min = this.set.firstDay;
    this.startRange.max = this.endRange.max = this.set.lastDay;
    // Keep the selection (by id: indexes change when incidents arrive).
    const was = this.selected >= 0 ? old.id[this.selected] : null;
    this.selected = was !== null && this.set.byId.has(was) ? this.set.byId.get(was) : -1;
    this.apply();
  }

  /** The evidence layer again (files attached elsewhere, an incident published). */
  async refreshEvidence() {
    if (!this.ready) return;
    await this.ready;
    this.evidence = await api.evidenceLayer().catch(() => this.evidence);
    this.map.getSource("evidence").setData(this.evidence);
  }

  /** Patrol routes and tracks again (a plan or a track arrived on the live stream). */
  async refreshPatrols() {
    if (!this.ready) return;
    await this.ready;
    this.patrols = await api.patrols().catch(() => this.patrols);
    this.map.getSource("patrols").setData(this.patrols);
  }
}

function imageOf(shape) {
  const canvas = drawShape(shape, 48);
  return canvas.getContext("2d").getImageData(0, 0, 48, 48);
}

export { DAY_MS };
