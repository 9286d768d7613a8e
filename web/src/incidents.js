// Incidents in memory: the server's parallel arrays as typed arrays, and the filters over them.
//
// Filtering 100,000 incidents is one pass over typed arrays (a few milliseconds), so every
// control answers at once without asking the server again; the clustering of what passes runs
// in MapLibre's worker, off the main thread.

const COLUMNS = ["id", "place", "lon", "lat", "start", "end", "grade", "family", "type", "reports", "parties", "responsible"];

export class IncidentSet {
  constructor(cols) {
    const n = cols.count;
    this.n = n;
    this.total = cols.total;
    this.truncated = cols.truncated;
    this.dict = cols.dict;
    this.id = cols.id;
    this.place = cols.place;
    this.lon = Float64Array.from(cols.lon, (v) => (v === null ? NaN : v));
    this.lat = Float64Array.from(cols.lat, (v) => (v === null ? NaN : v));
    this.start = Int32Array.from(cols.start);
    this.end = Int32Array.from(cols.end);
    this.grade = Uint8Array.from(cols.grade);
    this.family = Uint8Array.from(cols.family);
    this.type = Uint16Array.from(cols.type);
    this.reports = Uint32Array.from(cols.reports);
    this.parties = Float64Array.from(cols.parties);
    this.responsible = cols.responsible ? Int16Array.from(cols.responsible) : new Int16Array(n).fill(-1);
    this.byId = new Map();
    for (let i = 0; i < n; i++) this.byId.set(this.id[i], i);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      if (this.start[i] < lo) lo = this.start[i];
      if (this.end[i] > hi) hi = this.end[i];
    }
    this.firstDay = Number.isFinite(lo) ? lo : Math.floor(Date.now() / 86_400_000);
    this.lastDay = Number.isFinite(hi) ? hi : this.firstDay;
    this.zoneMasks = new Map();
  }

  /**
   * A new set with the incident `state` (a live event's incident: id, dates, point, occurrence,
   * family, sub_event_type, report_count, place, reported_by, responsible_party) added or
   * replaced; `gone` removes it. One copy of the arrays: a few milliseconds at 100,000.
   */
  upsert(state) {
    const at = this.byId.has(state.id) ? this.byId.get(state.id) : -1;
    const cols = this.columns();
    const dict = cols.dict;
    const code = (names, name) => {
      let k = names.indexOf(name);
      if (k < 0) k = names.push(name) - 1; // appended: the codes already given stay valid
      return k;
    };
    if (state.gone) {
      if (at < 0) return this;
      for (const key of COLUMNS) cols[key].splice(at, 1);
    } else {
      const day = (iso) => Math.floor(Date.parse(`${String(iso).slice(0, 10)}T00:00:00Z`) / 86_400_000);
      let bits = 0;
      for (const p of state.reported_by || []) {
        const k = dict.party.indexOf(p);
        if (k >= 0) bits += 2 ** k;
      }
      const row = {
        id: state.id,
        place: state.place || "",
        lon: state.lon ?? null,
        lat: state.lat ?? null,
        start: day(state.date_start),
        end: day(state.date_end || state.date_start),
        grade: code(dict.grade, state.occurrence),
        family: code(dict.family, state.family || "other"),
        type: code(dict.sub_event_type, state.sub_event_type),
        reports: state.report_count || 0,
        parties: bits,
        responsible: state.responsible_party ? dict.party.indexOf(state.responsible_party) : -1,
      };
      if (at >= 0) for (const key of COLUMNS) cols[key][at] = row[key];
      else for (const key of COLUMNS) cols[key].unshift(row[key]); // newest first, as served
    }
    cols.count = cols.id.length;
    cols.total = this.total + (cols.count - this.n);
    return new IncidentSet(cols);
  }

  /** The set as the server's parallel arrays (plain arrays, NaN back to null). */
  columns() {
    const plain = (a) => Array.from(a, (v) => (Number.isNaN(v) ? null : v));
    return {
      count: this.n,
      total: this.total,
      truncated: this.truncated,
      dict: { ...this.dict, grade: [...this.dict.grade], family: [...this.dict.family], sub_event_type: [...this.dict.sub_event_type], party: [...this.dict.party] },
      id: [...this.id],
      place: [...this.place],
      lon: plain(this.lon),
      lat: plain(this.lat),
      start: Array.from(this.start),
      end: Array.from(this.end),
      grade: Array.from(this.grade),
      family: Array.from(this.family),
      type: Array.from(this.type),
      reports: Array.from(this.reports),
      parties: Array.from(this.parties),
      responsible: Array.from(this.responsible),
    };
  }

  gradeName(i) {
    return this.dict.grade[this.grade[i]];
  }

  familyName(i) {
    return this.dict.family[this.family[i]];
  }

  typeName(i) {
    return this.dict.sub_event_type[this.type[i]];
  }

  responsibleName(i) {
    const k = this.responsible[i];
    return k >= 0 ? this.dict.party[k] : null;
  }

  partyNames(i) {
    const bits = this.parties[i];
    return this.dict.party.filter((_, k) => Math.floor(bits / 2 ** k) % 2 === 1);
  }

  /** Which incidents lie inside a zone's (multi)polygon: computed once per zone, then kept. */
  zoneMask(zone) {
    const key = zone.properties.id;
    if (!this.zoneMasks.has(key)) this.zoneMasks.set(key, pointsInGeometry(this, zone.geometry));
    return this.zoneMasks.get(key);
  }

  /**
   * The filter mask. `f` holds: subTypes (Set of sub-event type names or null), grades and
   * families (Sets of names), party (id or ""), zone (feature or null), from/to (days) and
   * `ignoreDates` to get the histogram's basis.
   */
  mask(f, ignoreDates = false) {
    const n = this.n;
    const out = new Uint8Array(n);
    const gradeOk = this.dict.grade.map((g) => f.grades.has(g));
    const familyOk = this.dict.family.map((x) => f.families.has(x));
    const typeOk = f.subTypes ? this.dict.sub_event_type.map((t) => f.subTypes.has(t)) : null;
    // f.party is "by:<id>" (reported by) or "resp:<id>" (held responsible).
    const [how, who] = f.party ? f.party.split(":") : ["", ""];
    const partyBit = how === "by" ? 2 ** this.dict.party.indexOf(who) : 0;
    const held = how === "resp" ? this.dict.party.indexOf(who) : -2;
    const zone = f.zone ? this.zoneMask(f.zone) : null;
    const from = f.from;
    const to = f.to;
    for (let i = 0; i < n; i++) {
      if (!gradeOk[this.grade[i]] || !familyOk[this.family[i]]) continue;
      if (typeOk && !typeOk[this.type[i]]) continue;
      if (partyBit && Math.floor(this.parties[i] / partyBit) % 2 !== 1) continue;
      if (held !== -2 && this.responsible[i] !== held) continue;
      if (zone && !zone[i]) continue;
      if (!ignoreDates && (this.end[i] < from || this.start[i] > to)) continue;
      out[i] = 1;
    }
    return out;
  }

  /** GeoJSON of the incidents passing `mask` that have a point (for the clustered source). */
  features(mask) {
    const features = [];
    for (let i = 0; i < this.n; i++) {
      if (!mask[i] || Number.isNaN(this.lon[i])) continue;
      features.push({
        type: "Feature",
        id: i,
        properties: { i, g: this.grade[i], f: this.family[i] },
        geometry: { type: "Point", coordinates: [this.lon[i], this.lat[i]] },
      });
    }
    return { type: "FeatureCollection", features };
  }

  /** Incidents per day over [first, last] among those passing `mask`. */
  histogram(mask, first, last) {
    const counts = new Uint32Array(Math.max(1, last - first + 1));
    for (let i = 0; i < this.n; i++) {
      if (!mask[i]) continue;
      const d = this.start[i] - first;
      if (d >= 0 && d < counts.length) counts[d]++;
    }
    return counts;
  }
}

function ringContains(ring, x, y) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function polygonContains(rings, x, y) {
  if (!ringContains(rings[0], x, y)) return false;
  for (let k = 1; k < rings.length; k++) if (ringContains(rings[k], x, y)) return false;
  return true;
}

export function pointsInGeometry(set, geometry) {
  const polys =
    geometry.type === "Polygon"
      ? [geometry.coordinates]
      : geometry.type === "MultiPolygon"
        ? geometry.coordinates
        : [];
  const boxes = polys.map((rings) => {
    let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const [x, y] of rings[0]) {
      w = Math.min(w, x);
      e = Math.max(e, x);
      s = Math.min(s, y);
      n = Math.max(n, y);
    }
    return [w, s, e, n];
  });
  const out = new Uint8Array(set.n);
  for (let i = 0; i < set.n; i++) {
    const x = set.lon[i];
    const y = set.lat[i];
    if (Number.isNaN(x)) continue;
    for (let p = 0; p < polys.length; p++) {
      const b = boxes[p];
      if (x < b[0] || x > b[2] || y < b[1] || y > b[3]) continue;
      if (polygonContains(polys[p], x, y)) {
        out[i] = 1;
        break;
      }
    }
  }
  return out;
}
