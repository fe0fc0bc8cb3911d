/* Osuva offline outbox: answers written without a connection are kept on the phone.
 *
 * A form marked `data-offline` that is sent while the phone has no connection (or while
 * earlier kept answers still wait, so that the order holds) is kept in this browser's
 * IndexedDB: every field, a photo as a Blob, and the client_id already in the form. The
 * page lists what waits (#outbox, whose status line is a polite live region). When the connection returns (the `online` event, the
 * socket reconnecting, a page load, or a retry with a growing pause) the kept answers are
 * posted in order to the form's own action URL, asking for JSON. An answer leaves the
 * outbox only when the server says it was stored; the server stores a client_id once, so
 * a post repeated after a lost answer counts once. A refused CSRF token is replaced by a
 * fresh one from the page and the post tried again; a real refusal is shown with its
 * message and not retried. Nothing here names the person; it all stays on this device.
 * Text goes into the page with textContent only. Also registers the service worker. */
(function () {
  "use strict";
  var body = document.body;
  var DB_NAME = "osuva-offline";
  var STORE = "outbox";
  var FIRST_PAUSE = 2000;
  var LONGEST_PAUSE = 60000;
  var MAX_TRIES = 12; /* then wait for the online event, the socket or a page load */
  var dialogue = body.getAttribute("data-dialogue") || "";
  var section = document.getElementById("outbox");
  var list = document.getElementById("outbox-list");
  var heading = document.getElementById("outbox-h");
  var status = document.getElementById("outbox-status");
  var waiting = 0;
  var sending = false;
  var tries = 0;
  var timer = null;
  var freshToken = null;

  if ("serviceWorker" in navigator && body.getAttribute("data-sw")) {
    /* Its scope is its own folder, /p/: the participant pages. */
    navigator.serviceWorker.register(body.getAttribute("data-sw"))
      .catch(function () { /* no offline copy of the page; the outbox still works */ });
    /* Pages the person will open next without a connection (a walk's other stations): the
     * worker keeps a copy of each while the phone is online. */
    var ahead = Array.prototype.map.call(document.querySelectorAll("a[data-offline-page]"), function (a) {
      return a.href.split("#")[0];
    });
    if (ahead.length && navigator.onLine) {
      navigator.serviceWorker.ready.then(function (registration) {
        if (registration.active) { registration.active.postMessage({ keep: ahead }); }
      });
    }
  }
  if (!window.indexedDB || !window.Promise) { return; }

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = window.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  /* One transaction: `work(store)` returns a request whose result is the answer. */
  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var request = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(request && request.result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }
  function entries() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (all) {
      return (all || []).filter(function (e) { return e.dialogue === dialogue; });
    });
  }
  function save(entry) { return withStore("readwrite", function (store) { return store.put(entry); }); }
  function drop(id) { return withStore("readwrite", function (store) { return store.delete(id); }); }

  function text(name) { return (section && section.getAttribute("data-" + name)) || ""; }

  /* The form's fields as a list (FormData is not storable): a file as a Blob without its
   * name (a file name can say who took the photo). */
  function fieldsOf(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") {
        fields.push({ name: name, value: value });
      } else if (value && value.size) {
        fields.push({ name: name, value: value.slice(0, value.size, value.type), filename: "photo" });
      }
    });
    return fields;
  }
  function summaryOf(form, fields) {
    /* The first box the person wrote in (a station's form has three, any may be the one). */
    var typed = Array.prototype.filter.call(form.querySelectorAll("textarea, input[type=text]"),
                                            function (box) { return box.value.trim(); })[0];
    if (typed) {
      var words = typed.value.trim();
      return words.length > 80 ? words.slice(0, 79) + "…" : words;
    }
    return fields.some(function (f) { return f.filename; }) ? text("photo") : text("answer");
  }

  function render() {
    if (!section) { return Promise.resolve(); }
    return entries().then(function (all) {
      var before = waiting;
      waiting = all.filter(function (e) { return e.state !== "failed"; }).length;
      while (list.firstChild) { list.removeChild(list.firstChild); }
      all.forEach(function (entry) {
        var li = document.createElement("li");
        var words = document.createElement("span");
        words.textContent = entry.summary;
        li.appendChild(words);
        if (entry.state === "failed") {
          li.className = "failed";
          var why = document.createElement("span");
          why.className = "outbox-error";
          why.textContent = text("failed") + " " + entry.error;
          li.appendChild(why);
          var remove = document.createElement("button");
          remove.type = "button";
          remove.className = "button small";
          remove.textContent = text("remove");
          remove.addEventListener("click", function () { drop(entry.id).then(render); });
          li.appendChild(remove);
        }
        list.appendChild(li);
      });
      /* The box shows while something is kept; the status line stays, to say "all sent". */
      section.classList.toggle("waiting", all.length > 0);
      heading.hidden = list.hidden = all.length === 0;
      heading.textContent = waiting ? heading.getAttribute("data-waiting") : text("heading-failed");
      var line = "";
      if (waiting) {
        line = text(waiting === 1 ? "one" : "other").replace("{n}", String(waiting));
      } else if (before) {
        line = text("sent");
      }
      if (status.textContent !== line) { status.textContent = line; }
    });
  }

  /* Keep the form's answer for later; the form is emptied for the next one. */
  function keep(form) {
    var fields = fieldsOf(form);
    var idField = form.querySelector("input[name=client_id]");
    /* getAttribute: the form's `action` property is its field named "action". */
    var url = new URL(form.getAttribute("action") || window.location.href, window.location.href).href;
    var entry = { dialogue: dialogue, url: url, page: window.location.pathname, fields: fields,
                  summary: summaryOf(form, fields), clientId: idField ? idField.value : "", state: "waiting" };
    waiting += 1; /* at once: a second quick answer must queue behind this one */
    form.reset();
    return save(entry).then(render).then(function () { if (navigator.onLine) { send(); } });
  }

  /* Keep (rather than send live) with no network, with no live connection, or while
   * earlier answers still wait: a new answer must not overtake them. */
  function shouldKeep(connected) {
    return !navigator.onLine || !connected || waiting > 0;
  }

  function later() {
    if (timer || tries >= MAX_TRIES) { return; }
    var pause = Math.min(LONGEST_PAUSE, FIRST_PAUSE * Math.pow(2, tries));
    tries += 1;
    timer = setTimeout(function () { timer = null; send(); }, pause);
  }

  /* A fresh CSRF token from the page the answer was written on (the session's own). */
  function refreshToken(entry) {
    return fetch(entry.page, { credentials: "same-origin" }).then(function (response) {
      return response.text();
    }).then(function (html) {
      var input = new DOMParser().parseFromString(html, "text/html").querySelector("input[name=csrf_token]");
      freshToken = input ? input.value : null;
      return freshToken;
    });
  }

  function post(entry) {
    var data = new FormData();
    entry.fields.forEach(function (f) {
      var value = f.name === "csrf_token" && freshToken ? freshToken : f.value;
      if (f.filename) { data.append(f.name, value, f.filename); } else { data.append(f.name, value); }
    });
    return fetch(entry.url, { method: "POST", body: data, credentials: "same-origin",
                              headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.json().then(function (ack) { return { status: response.status, ack: ack }; },
                                    function () { return { status: response.status, ack: null }; });
      });
  }

  /* What one answer's post came to: "sent", "failed" (shown), or "wait" (try again later). */
  function sendOne(entry, triedToken) {
    return post(entry).then(function (result) {
      var ack = result.ack;
      if (ack && ack.ok) { return drop(entry.id).then(function () { return "sent"; }); }
      if (ack && ack.csrf && !triedToken) {
        return refreshToken(entry).then(function () { return sendOne(entry, true); });
      }
      if (result.status === 429 || result.status >= 500 || !ack && result.status < 400) { return "wait"; }
      entry.state = "failed";
      entry.error = (ack && ack.error) || text("error");
      return save(entry).then(function () { return "failed"; });
    }, function () { return "wait"; }); /* no network */
  }

  /* Send the waiting answers, oldest first; stop at the first that must wait. */
  function send() {
    if (sending) { return; }
    sending = true;
    entries().then(function (all) {
      var queue = all.filter(function (e) { return e.state !== "failed"; });
      function next() {
        var entry = queue.shift();
        if (!entry) { return "done"; }
        return sendOne(entry, false).then(function (outcome) {
          if (outcome === "sent") {
            document.dispatchEvent(new CustomEvent("osuva:sent", { detail: { clientId: entry.clientId } }));
          }
          return render().then(function () { return outcome === "wait" ? "wait" : next(); });
        });
      }
      return next();
    }).then(function (outcome) {
      sending = false;
      if (outcome === "wait") { later(); } else { tries = 0; }
    }, function () { sending = false; later(); });
  }

  /* Back online: try now, and start the pauses from the shortest again. */
  function resume() {
    tries = 0;
    if (timer) { clearTimeout(timer); timer = null; }
    send();
  }

  window.addEventListener("online", resume);
  render().then(function () { if (waiting) { resume(); } });
  window.OsuvaOffline = { keep: keep, shouldKeep: shouldKeep, resume: resume };
})();
