/* Osuva: sending writes over the socket, exactly once.
 * A form with class "act" is the no-JavaScript path; here the same fields go to the
 * socket event "act". Each write keeps its client_id; unacknowledged writes are kept
 * in localStorage and resent after a reconnect (the server treats a resent client_id
 * as the same write). All text goes into the page with textContent only. */
(function () {
  "use strict";

  function randomId() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    var out = "";
    for (var i = 0; i < bytes.length; i++) { out += ("0" + bytes[i].toString(16)).slice(-2); }
    return out;
  }

  function formPayload(form) {
    var payload = {};
    var data = new FormData(form);
    data.forEach(function (value, key) {
      if (key === "csrf_token") { return; }
      if (key.slice(-2) === "[]") {
        key = key.slice(0, -2);
        (payload[key] = payload[key] || []).push(value);
      } else {
        payload[key] = value;
      }
    });
    return payload;
  }

  function say(text, kind) {
    var box = document.getElementById("messages");
    if (!box) { return; }
    var p = document.createElement("p");
    /* "sr": for screen readers only (a step change is seen anyway; hearing it is what helps). */
    p.className = kind === "sr" ? "visually-hidden" : "msg msg-" + (kind || "ok");
    p.textContent = text;
    while (box.firstChild) { box.removeChild(box.firstChild); }
    box.appendChild(p);
  }

  function Outbox(name) {
    this.key = "osuva-outbox-" + name;
  }
  Outbox.prototype.all = function () {
    try { return JSON.parse(window.localStorage.getItem(this.key) || "[]"); } catch (e) { return []; }
  };
  Outbox.prototype.save = function (items) {
    try { window.localStorage.setItem(this.key, JSON.stringify(items)); } catch (e) { /* private mode */ }
  };
  Outbox.prototype.add = function (entry) {
    var items = this.all();
    items.push(entry);
    this.save(items);
  };
  Outbox.prototype.remove = function (clientId) {
    this.save(this.all().filter(function (e) { return e.payload.client_id !== clientId; }));
  };

  /* Connect a socket and wire every form.act inside `root` (now and after swaps). */
  function LiveWriter(options) {
    this.socket = options.socket;
    this.outbox = new Outbox(options.name);
    this.onAck = options.onAck || function () {};
    /* The form of each write sent from this page, by client_id: a write queued while the
     * socket was connecting still gets its form's after-effects (e.g. the redraw). */
    this.forms = {};
    var self = this;
    /* Lost: the socket could not connect or dropped (not merely still connecting). */
    this.lost = false;
    this.socket.on("connect", function () { self.lost = false; self.flush(); });
    this.socket.on("connect_error", function () { self.lost = true; });
    this.socket.on("disconnect", function () { self.lost = true; });
  }
  LiveWriter.prototype.send = function (action, payload, form) {
    var self = this;
    var entry = { action: action, payload: payload };
    this.outbox.add(entry);
    if (form) { this.forms[payload.client_id] = form; }
    if (!this.socket.connected) { return false; }
    this.socket.timeout(15000).emit("act", action, payload, function (err, ack) {
      /* No answer, or "too fast": it stays in the outbox and is sent again soon. */
      if (err || (ack && ack.retry)) { self.retryLater(); return; }
      self.outbox.remove(payload.client_id);
      delete self.forms[payload.client_id];
      self.onAck(ack || {}, form, action);
    });
    return true;
  };
  /* Send the outbox again in a moment (once, however many writes asked for it): a
   * phone back online with many queued writes is slowed down by the server's rate
   * limit, and what it refused must not wait for the next reconnect. */
  LiveWriter.prototype.retryLater = function () {
    var self = this;
    if (this.retryTimer) { return; }
    this.retryTimer = setTimeout(function () {
      self.retryTimer = null;
      if (self.socket.connected) { self.flush(); }
    }, 1500);
  };
  LiveWriter.prototype.flush = function () {
    var self = this;
    this.outbox.all().forEach(function (entry) {
      self.socket.timeout(15000).emit("act", entry.action, entry.payload, function (err, ack) {
        if (err || (ack && ack.retry)) { self.retryLater(); return; }
        self.outbox.remove(entry.payload.client_id);
        var form = self.forms[entry.payload.client_id] || null;
        delete self.forms[entry.payload.client_id];
        self.onAck(ack || {}, form, entry.action);
      });
    });
  };
  LiveWriter.prototype.wire = function (root) {
    var self = this;
    var forms = root.querySelectorAll("form.act");
    Array.prototype.forEach.call(forms, function (form) {
      if (form.getAttribute("data-wired")) { return; }
      form.setAttribute("data-wired", "1");
      form.addEventListener("submit", function (event) {
        /* A file does not travel in the socket's JSON: a form carrying a chosen photo goes
         * through the phone's outbox (kept until it is stored) or as the plain multipart post. */
        var file = form.querySelector("input[type=file]");
        var hasFile = Boolean(file && file.files && file.files.length);
        var offline = window.OsuvaOffline;
        var keep = offline && form.hasAttribute("data-offline") &&
          (hasFile || offline.shouldKeep(self.socket.connected || !self.lost));
        if (hasFile && !keep) { return; }
        event.preventDefault();
        if (form.getAttribute("data-busy")) { return; } /* a double tap sends once */
        if (keep) {
          /* No connection, kept answers still waiting, or a photo: kept on the phone and sent in order. */
          offline.keep(form);
          var keptId = form.querySelector("input[name=client_id]");
          if (keptId) { keptId.value = randomId(); }
          return;
        }
        var payload = formPayload(form);
        var action = payload.action;
        delete payload.action;
        var sent = self.send(action, payload, form);
        /* A new id for the next write from this same form. */
        var idField = form.querySelector("input[name=client_id]");
        if (idField) { idField.value = randomId(); }
        /* Busy for a moment, but not `disabled`: a disabled button drops the keyboard focus. */
        form.setAttribute("data-busy", "1");
        setTimeout(function () { form.removeAttribute("data-busy"); }, 800);
        if (!sent && self.offlineText) { say(self.offlineText, "error"); }
      });
    });
  };

  /* Updates from several server processes can overtake each other on the way: a client
     keeps the newest by its `as_of` (seconds, see dialogue/live.py). One more than a
     minute older means the server's clock was set back, and is taken. */
  function Newest() { this.at = 0; }
  Newest.prototype.accept = function (state) {
    var at = state && state.as_of;
    if (typeof at !== "number") { return true; }
    if (at < this.at && this.at - at < 60) { return false; }
    this.at = at;
    return true;
  };

  /* A one-button command form built in script (a redrawn list's "hide" buttons): the same
     form the server renders, so it also posts without a socket. */
  function actForm(url, csrf, action, fields, label) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = url;
    form.className = "inline act";
    var all = { csrf_token: csrf, action: action, client_id: randomId() };
    Object.keys(fields).forEach(function (name) { all[name] = fields[name]; });
    Object.keys(all).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = all[name];
      form.appendChild(input);
    });
    var button = document.createElement("button");
    button.type = "submit";
    button.className = "button small";
    button.textContent = label;
    form.appendChild(button);
    return form;
  }

  window.Osuva = { randomId: randomId, say: say, LiveWriter: LiveWriter, formPayload: formPayload, Newest: Newest,
                   actForm: actForm };
})();
