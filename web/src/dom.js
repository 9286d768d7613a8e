// A small DOM builder. Every string becomes a text node, never HTML: reports, place names and
// pasted pages are written by others and must not run as markup in a colleague's browser.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") el.className = value;
      else if (key === "dataset") Object.assign(el.dataset, value);
      else if (key.startsWith("on") && typeof value === "function") {
        el.addEventListener(key.slice(2).toLowerCase(), value);
      } else if (key === "value") el.value = value;
      else if (key === "checked" || key === "selected" || key === "disabled") el[key] = !!value;
      // Through the CSSOM, never a style attribute: the Content-Security-Policy has no
      // 'unsafe-inline' for styles (issue 23), so an attribute would be refused.
      else if (key === "style") el.style.cssText = String(value);
      else el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function announce(message) {
  // A polite live region so screen-reader users hear what changed (filters, saves, proofs).
  const region = document.getElementById("announcer");
  if (region) {
    region.textContent = "";
    setTimeout(() => (region.textContent = message), 30);
  }
}

export const DAY_MS = 86_400_000;

export function dayToIso(day) {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function isoToDay(iso) {
  return Math.floor(Date.parse(iso.slice(0, 10) + "T00:00:00Z") / DAY_MS);
}

export function field(label, input, help) {
  const id = input.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  const helpId = help ? `${id}-help` : undefined;
  if (helpId) input.setAttribute("aria-describedby", helpId);
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    input,
    help ? h("div", { class: "help", id: helpId }, help) : null,
  );
}

export function select(name, options, value, attrs = {}) {
  return h(
    "select",
    { name, ...attrs },
    options.map((opt) => {
      const [v, label] = Array.isArray(opt) ? opt : [opt, opt];
      return h("option", { value: v, selected: v === value }, label);
    }),
  );
}
