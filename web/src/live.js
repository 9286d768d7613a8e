// The live picture (issue 22): the server's event stream (GET /api/v1/stream, server-sent
// events of the ledger's appends, filtered by the server for the user's role). The browser's
// EventSource reconnects by itself and sends Last-Event-ID, so the server catches it up by
// ledger index; this module only says what changed to whoever listens.

const TYPES = ["report", "notification", "incident", "response", "signoff", "publication", "patrol", "layer", "review", "comment", "task", "entry", "reset", "signedout", "read"];

export class Live {
  constructor() {
    this.source = null;
    this.listeners = new Set();
    this.lastIndex = null;
    this.state = "off";
    this.onstate = null;
  }

  start() {
    if (this.source || typeof EventSource === "undefined") return;
    const src = new EventSource("/api/v1/stream");
    this.source = src;
    src.addEventListener("open", () => this.setState("live"));
    src.addEventListener("error", () => this.setState(src.readyState === EventSource.CLOSED ? "off" : "reconnecting"));
    src.addEventListener("hello", () => this.setState("live"));
    for (const type of TYPES) {
      src.addEventListener(type, (e) => {
        let data = {};
        try {
          data = JSON.parse(e.data);
        } catch {
          return;
        }
        this.lastIndex = Number(e.lastEventId);
        window.__truce.live = { index: this.lastIndex, type, at: performance.now(), count: ((window.__truce.live || {}).count || 0) + 1 };
        if (type === "signedout") this.stop();
        for (const fn of this.listeners) fn(type, data);
      });
    }
  }

  stop() {
    if (this.source) this.source.close();
    this.source = null;
    this.setState("off");
  }

  setState(state) {
    this.state = state;
    document.body.dataset.live = state;
    if (this.onstate) this.onstate(state);
  }

  /** fn(type, data) for every event; returns a function that removes it. */
  on(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
