// Collaboration (issue 22): comments and tasks on the incident page, and the header's
// notifications badge. Members only; the server checks every write again (truce.collab).

import { ApiError, api } from "./api.js";
import { announce, clear, field, h, select } from "./dom.js";

function failed(status, err) {
  status.textContent = err instanceof ApiError ? `Not filed: ${err.message}` : String(err);
  status.setAttribute("role", "alert");
}

export function isMember(user) {
  return !!user && user.role !== "public";
}

/** Comments on the incident: the shared ones, and the user's party's own (marked). */
export function commentsSection(app, inc) {
  const list = h("ul", { class: "comments", id: "comments" }, h("li", { class: "muted" }, "Loading comments…"));
  const load = () =>
    api
      .comments(inc.id)
      .then((rows) =>
        clear(list).append(
          ...(rows.length
            ? rows.map((c) =>
                h(
                  "li",
                  { dataset: { id: c.id } },
                  h("strong", {}, app.partyName(c.author)),
                  c.party_only ? h("span", { class: "tag" }, " own party only") : null,
                  h("div", { class: "quote" }, c.text),
                  h("div", { class: "muted" }, `${c.id}${c.at ? ` · ${c.at}` : ""}`),
                ),
              )
            : [h("li", { class: "muted" }, "No comments yet.")]),
        ),
      )
      .catch((err) => clear(list).append(h("li", { class: "error" }, err.message)));
  load();
  const text = h("textarea", { name: "text", id: "comment-text", rows: 2, maxlength: 5000, required: true });
  const own = h("input", { type: "checkbox", name: "party_only", id: "comment-party-only" });
  const status = h("p", { class: "status", role: "status" });
  const form = h(
    "form",
    { class: "form", id: "comment-form", "aria-label": "Comment" },
    field("Comment", text),
    h("label", { class: "check" }, own, ` Only for ${app.user.party ? app.partyName(app.user.party) : "my party"} and the chair`),
    h("button", { type: "submit" }, "Sign and post"),
    status,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.textContent = "Signing…";
    status.setAttribute("role", "status");
    try {
      const res = await api.comment(inc.id, { text: text.value, party_only: own.checked });
      status.textContent = `Posted ${res.id}.`;
      text.value = "";
      announce("Comment posted");
      load();
    } catch (err) {
      failed(status, err);
      text.focus();
    }
  });
  const section = h("section", { "aria-labelledby": "comments-title" }, h("h2", { id: "comments-title" }, "Comments"), list, form);
  section.reload = load;
  return section;
}

/** Tasks about the incident ("patrol to verify"), each for one party, with done/reopen. */
export function tasksSection(app, inc) {
  const user = app.user;
  const list = h("ul", { class: "tasks", id: "tasks" }, h("li", { class: "muted" }, "Loading tasks…"));
  const mayChange = (t) => user.role === "chair" || user.role === "monitor" || (user.role === "officer" && user.party === t.party);
  const setStatus = async (t, status, out) => {
    try {
      await api.taskStatus(t.id, { status });
      announce(`${t.id} is ${status}`);
      load();
    } catch (err) {
      failed(out, err);
    }
  };
  const load = () =>
    api
      .tasks({ incident: inc.id })
      .then((rows) =>
        clear(list).append(
          ...(rows.length
            ? rows.map((t) => {
                const out = h("span", { class: "status" });
                const next = t.status === "done" ? "open" : "done";
                return h(
                  "li",
                  { dataset: { id: t.id, status: t.status } },
                  h("strong", {}, t.id),
                  ` ${t.title} — for ${app.partyName(t.party)}, `,
                  h("span", { class: "tag" }, t.status),
                  mayChange(t)
                    ? h("button", { type: "button", class: "link", onclick: () => setStatus(t, next, out) }, next === "done" ? "Mark done" : "Reopen")
                    : null,
                  out,
                  t.history.length ? h("div", { class: "muted" }, t.history.map((x) => `${x.status} by ${x.author}${x.text ? `: ${x.text}` : ""}`).join(" · ")) : null,
                );
              })
            : [h("li", { class: "muted" }, "No tasks.")]),
        ),
      )
      .catch((err) => clear(list).append(h("li", { class: "error" }, err.message)));
  load();
  const section = h("section", { "aria-labelledby": "tasks-title" }, h("h2", { id: "tasks-title" }, "Tasks"), list);
  section.reload = load;
  if (user.role === "officer" || user.role === "monitor" || user.role === "chair") {
    // An officer assigns only to its own party (truce.collab.kinds); the center to any party.
    const choices = user.role === "officer" ? [user.party] : app.parties.filter((p) => p.kind === "party").map((p) => p.id);
    const party = select("party", choices.map((p) => [p, app.partyName(p)]));
    party.id = "task-party";
    const title = h("input", { name: "title", id: "task-title", maxlength: 200, required: true, value: "Patrol to verify" });
    const status = h("p", { class: "status", role: "status" });
    const form = h("form", { class: "form", id: "task-form", "aria-label": "Assign a task" }, field("Task", title), field("For", party), h("button", { type: "submit" }, "Assign"), status);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      status.textContent = "Signing…";
      status.setAttribute("role", "status");
      try {
        const res = await api.addTask({ party: party.value, title: title.value, incident: inc.id });
        status.textContent = `Assigned ${res.id}.`;
        announce("Task assigned");
        load();
      } catch (err) {
        failed(status, err);
        title.focus();
      }
    });
    section.append(form);
  }
  return section;
}

/** The header's badge: the user's unread notifications, and their list. The read mark is the
 * user's on the server (truce.collab.reads), so every browser of the user shows the same count;
 * a mark moved in another browser arrives on the live stream ("read"). */
export class Notifications {
  constructor(app) {
    this.app = app;
    this.items = [];
    this.readThrough = -1;
    this.badge = h("button", { type: "button", class: "link notifications", id: "notifications", "aria-expanded": "false", onclick: () => this.toggle() });
    this.panel = h("div", { class: "notifications-panel", id: "notifications-panel", hidden: true });
  }

  async load() {
    if (!isMember(this.app.user)) return;
    try {
      const [items, state] = await Promise.all([api.notifications(), api.unread()]);
      this.items = items;
      this.setRead(state.read_through);
    } catch {
      this.items = [];
    }
    this.render();
  }

  setRead(through) {
    this.readThrough = Math.max(this.readThrough, Number(through));
    this.render();
  }

  /** From the live stream: the event's notifications meant for this user. */
  add(index, list) {
    const user = this.app.user;
    const mine = (list || []).filter((n) => n.audience === "*" || n.audience === user.party || (n.audience === "@chair" && user.role === "chair"));
    if (!mine.length) return;
    this.items.unshift(...mine.map((n) => ({ ...n, entry_index: index })));
    this.render();
    announce(mine[0].text);
  }

  unread() {
    return this.items.filter((n) => n.entry_index > this.readThrough).length;
  }

  render() {
    const n = this.unread();
    this.badge.textContent = `Alerts${n ? ` (${n})` : ""}`;
    this.badge.setAttribute("aria-label", `Notifications, ${n} unread`);
    this.badge.dataset.unread = String(n);
    clear(this.panel).append(
      this.items.length
        ? h(
            "ul",
            {},
            this.items.slice(0, 50).map((x) =>
              h("li", { dataset: { id: x.id } }, x.incident_id ? h("a", { href: `#/incident/${encodeURIComponent(x.incident_id)}` }, x.text) : x.text, h("div", { class: "muted" }, x.at || "")),
            ),
          )
        : h("p", { class: "muted" }, "Nothing yet."),
    );
  }

  toggle() {
    this.panel.hidden = !this.panel.hidden;
    const header = document.getElementById("header");
    if (header) this.panel.style.top = `${Math.round(header.getBoundingClientRect().bottom) + 4}px`;
    this.badge.setAttribute("aria-expanded", String(!this.panel.hidden));
    if (!this.panel.hidden && this.items.length) {
      const newest = Math.max(...this.items.map((x) => x.entry_index));
      this.setRead(newest); // at once here; the server keeps it for the user's other browsers
      api
        .markRead(newest)
        .then((state) => this.setRead(state.read_through))
        .catch(() => {});
    }
  }
}
