// How things look: occurrence grades as colours, event families as shapes, and the basemap.
//
// Colours are the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies);
// the shape carries the event family, so neither property depends on the other to be read.

export const GRADE_COLORS = {
  confirmed: "#D55E00", // vermilion
  corroborated: "#E69F00", // orange
  "single-source": "#0072B2", // blue
  contested: "#CC79A7", // reddish purple
  discounted: "#7a7a7a", // grey
};

export const GRADE_LABELS = {
  confirmed: "Confirmed",
  corroborated: "Corroborated",
  "single-source": "Single source",
  contested: "Contested",
  discounted: "Discounted",
};

// Family -> shape drawn by drawShape below.
export const FAMILY_SHAPES = {
  remote: "star",
  battle: "square",
  civilians: "triangle",
  protest: "circle",
  riot: "pentagon",
  arrests: "diamond",
  deployment: "chevron",
  patrol: "cross",
  agreement: "hexagon",
  other: "ring",
};

export const FAMILY_LABELS = {
  remote: "Explosions / remote violence",
  battle: "Battles",
  civilians: "Violence against civilians",
  protest: "Protests",
  riot: "Riots",
  arrests: "Arrests",
  deployment: "Deployments and withdrawals",
  patrol: "Patrols",
  agreement: "Agreements and ceasefires",
  other: "Other",
};

export const SITE_LABELS = {
  hospital: "Hospital",
  school: "School",
  idp_camp: "Camp for displaced people",
  water_station: "Water station",
  bakery: "Bakery",
  market: "Market",
  observation_post: "Observation post",
  base: "Base",
  other: "Other site",
};

export const ZONE_COLORS = {
  demilitarized_zone: "#b2182b",
  security_corridor: "#2166ac",
  sector: "#4d4d4d",
  restricted: "#762a83",
};

export const PARTY_COLORS = ["#1b7837", "#8c510a", "#01665e", "#5e3c99", "#b35806", "#4d4d4d"];

function polygon(ctx, points) {
  ctx.beginPath();
  points.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
  ctx.closePath();
  ctx.fill();
}

function regular(cx, cy, r, n, rotate = -Math.PI / 2) {
  return Array.from({ length: n }, (_, i) => {
    const a = rotate + (i * 2 * Math.PI) / n;
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
  });
}

/** Draw a white shape on a transparent square canvas (used as a signed-distance-field icon). */
export function drawShape(shape, size = 48) {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = size;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  const c = size / 2;
  const r = size * 0.36;
  switch (shape) {
    case "square":
      ctx.fillRect(c - r * 0.85, c - r * 0.85, r * 1.7, r * 1.7);
      break;
    case "triangle":
      polygon(ctx, regular(c, c + r * 0.15, r * 1.1, 3));
      break;
    case "diamond":
      polygon(ctx, regular(c, c, r * 1.05, 4));
      break;
    case "pentagon":
      polygon(ctx, regular(c, c, r, 5));
      break;
    case "hexagon":
      polygon(ctx, regular(c, c, r, 6));
      break;
    case "star": {
      const pts = [];
      for (let i = 0; i < 16; i++) {
        const a = -Math.PI / 2 + (i * Math.PI) / 8;
        const rr = i % 2 ? r * 0.5 : r * 1.1;
        pts.push([c + rr * Math.cos(a), c + rr * Math.sin(a)]);
      }
      polygon(ctx, pts);
      break;
    }
    case "chevron":
      polygon(ctx, [
        [c - r, c + r * 0.6],
        [c, c - r * 0.8],
        [c + r, c + r * 0.6],
        [c, c + r * 0.05],
      ]);
      break;
    case "cross":
      ctx.fillRect(c - r * 0.3, c - r, r * 0.6, r * 2);
      ctx.fillRect(c - r, c - r * 0.3, r * 2, r * 0.6);
      break;
    case "ring":
      ctx.beginPath();
      ctx.arc(c, c, r, 0, 2 * Math.PI);
      ctx.arc(c, c, r * 0.5, 0, 2 * Math.PI, true);
      ctx.fill();
      break;
    default:
      ctx.beginPath();
      ctx.arc(c, c, r, 0, 2 * Math.PI);
      ctx.fill();
  }
  return canvas;
}

/** A small inline legend swatch: the family's shape in the grade's colour. */
export function swatch(shape, color, size = 18) {
  const canvas = drawShape(shape, size * 2);
  const ctx = canvas.getContext("2d");
  ctx.globalCompositeOperation = "source-in";
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  canvas.style.width = canvas.style.height = `${size}px`;
  canvas.setAttribute("aria-hidden", "true");
  canvas.className = "swatch";
  return canvas;
}

/** The basemap: drawn from the shipped GeoJSON, no tiles and no network. */
export function basemapStyle(basemapUrl) {
  const src = (name) => ({ type: "geojson", data: basemapUrl(name), attribution: "" });
  return {
    version: 8,
    sources: {
      countries: src("countries"),
      borders: src("borders"),
      admin1: src("admin1"),
      admin2: src("admin2"),
      rivers: src("rivers"),
      lakes: src("lakes"),
      towns: src("towns"),
      villages: src("villages"),
    },
    layers: [
      { id: "sea", type: "background", paint: { "background-color": "#cfdde8" } },
      {
        id: "countries",
        type: "fill",
        source: "countries",
        paint: {
          "fill-color": ["match", ["get", "adm0_a3"], "SYR", "#f7f5ef", "#ebe8df"],
        },
      },
      {
        id: "lakes",
        type: "fill",
        source: "lakes",
        paint: { "fill-color": "#cfdde8" },
      },
      {
        id: "rivers",
        type: "line",
        source: "rivers",
        paint: { "line-color": "#8fb3cc", "line-width": ["interpolate", ["linear"], ["zoom"], 6, 0.8, 12, 2] },
      },
      {
        id: "admin2",
        type: "line",
        source: "admin2",
        minzoom: 8,
        paint: { "line-color": "#b9b2a3", "line-width": 0.6, "line-dasharray": [3, 2] },
      },
      {
        id: "admin1",
        type: "line",
        source: "admin1",
        paint: { "line-color": "#9c9381", "line-width": ["interpolate", ["linear"], ["zoom"], 6, 0.8, 12, 1.6] },
      },
      {
        id: "borders",
        type: "line",
        source: "borders",
        paint: { "line-color": "#6b6357", "line-width": ["interpolate", ["linear"], ["zoom"], 5, 1, 12, 2.5] },
      },
      {
        id: "admin1-labels",
        type: "symbol",
        source: "admin1",
        maxzoom: 9,
        layout: {
          "text-field": ["get", "adm1_en"],
          "text-font": ["sans-serif"],
          "text-size": 12,
          "text-transform": "uppercase",
          "text-letter-spacing": 0.1,
        },
        paint: { "text-color": "#8a8272", "text-halo-color": "#f7f5ef", "text-halo-width": 1.5 },
      },
      {
        id: "villages",
        type: "symbol",
        source: "villages",
        minzoom: 10.5,
        layout: {
          "text-field": ["get", "name"],
          "text-font": ["sans-serif"],
          "text-size": 11,
          "symbol-sort-key": ["-", 0, ["get", "pop"]],
        },
        paint: { "text-color": "#555", "text-halo-color": "#fff", "text-halo-width": 1.2 },
      },
      {
        id: "towns",
        type: "symbol",
        source: "towns",
        layout: {
          "text-field": ["get", "name"],
          "text-font": ["sans-serif"],
          "text-size": ["interpolate", ["linear"], ["zoom"], 6, 11, 12, 14],
          "symbol-sort-key": ["get", "scalerank"],
        },
        paint: { "text-color": "#333", "text-halo-color": "#fff", "text-halo-width": 1.5 },
      },
    ],
  };
}
