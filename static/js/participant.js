/* Osuva participant page: follow the facilitator live, send answers over the socket.
 * Without JavaScript the same page works with plain form posts. */
(function () {
  "use strict";
  if (!window.io || !window.Osuva) { return; }
  var body = document.body;
  var code = body.getAttribute("data-code");
  var dialogueId = body.getAttribute("data-dialogue");
  var panel = document.getElementById("panel");
  var connection = document.getElementById("connection");
  /* A phone that knows it has no network does not keep trying to connect (battery): it
   * connects when the network returns. Answers meanwhile go to the outbox (offline.js). */
  var socket = window.io({ auth: { role: "participant", dialogue: dialogueId }, transports: ["websocket", "polling"],
                           autoConnect: navigator.onLine !== false });
  window.addEventListener("offline", function () { socket.disconnect(); });
  window.addEventListener("online", function () { if (!socket.connected) { socket.connect(); } });
  var lastState = null;

  function renderedStep() {
    var section = panel.querySelector(".panel");
    return section ? section.getAttribute("data-step-id") : "";
  }

  /* A swap must not lose the person's place: the focus and any half-written text. */
  var FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea";
  function rememberPlace() {
    var el = document.activeElement;
    var drafts = {};
    Array.prototype.forEach.call(panel.querySelectorAll("textarea[id], input[type=text][id]"), function (field) {
      if (field.value) { drafts[field.id] = field.value; }
    });
    if (!el || !panel.contains(el)) { return { drafts: drafts }; }
    return { drafts: drafts, id: el.id, index: Array.prototype.indexOf.call(panel.querySelectorAll(FOCUSABLE), el) };
  }
  function restorePlace(place, keepDrafts) {
    if (keepDrafts) {
      Object.keys(place.drafts).forEach(function (id) {
        var field = document.getElementById(id);
        if (field && panel.contains(field) && !field.value) { field.value = place.drafts[id]; }
      });
    }
    if (place.index === undefined) { return; } /* the focus was elsewhere: leave it there */
    var target = (place.id && document.getElementById(place.id)) || panel.querySelectorAll(FOCUSABLE)[place.index] ||
      panel.querySelector("h1");
    if (!target) { return; }
    if (target.tagName === "H1") { target.setAttribute("tabindex", "-1"); }
    target.focus({ preventScroll: true });
  }

  function refreshPanel(announce, keepDrafts) {
    return fetch("/p/" + encodeURIComponent(code) + "/panel", { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        // The fragment is rendered (and escaped) by the server's templates.
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.body.firstElementChild;
        if (!fresh) { return; }
        var place = rememberPlace();
        panel.replaceChildren(document.importNode(fresh, true));
        restorePlace(place, keepDrafts);
        writer.wire(panel);
        startTimer();
        if (announce) {
          var title = panel.querySelector("h1");
          if (title) { window.Osuva.say(title.textContent, "sr"); }
        }
      })
      .catch(function () { /* the next state event tries again */ });
  }

  var writer = new window.Osuva.LiveWriter({
    socket: socket,
    name: dialogueId,
    onAck: function (ack) {
      if (ack.ok) {
        if (ack.message) { window.Osuva.say(ack.message, "ok"); }
        refreshPanel(false);
      } else if (ack.error) {
        window.Osuva.say(ack.error, "error");
      }
    }
  });
  writer.offlineText = body.getAttribute("data-offline");
  writer.wire(panel);

  var newest = new window.Osuva.Newest();
  socket.on("state", function (state) {
    if (!newest.accept(state)) { return; } /* an older update overtaken by a newer one */
    var stepChanged = String(state.step_id || "") !== renderedStep();
    var calmChanged = lastState && lastState.phones_down !== state.phones_down;
    var timerChanged = lastState && JSON.stringify(lastState.timer) !== JSON.stringify(state.timer);
    var votingChanged = lastState && (lastState.revealed !== state.revealed ||
                                      lastState.voting_closed !== state.voting_closed ||
                                      lastState.items !== state.items);
    /* Staff seated people or started a new round: this phone's table may have changed. */
    var seatingChanged = lastState && lastState.seating !== state.seating;
    /* Only a phone whose hand is up follows the speak queue (its place in it). */
    var queueChanged = lastState && lastState.speakers_waiting !== state.speakers_waiting && !!panel.querySelector("[data-hand-up]");
    lastState = state;
    if (stepChanged || calmChanged || timerChanged || votingChanged || queueChanged || seatingChanged) { refreshPanel(stepChanged, !stepChanged); }
  });
  socket.on("connect", function () {
    connection.hidden = true;
    if (window.OsuvaOffline) { window.OsuvaOffline.resume(); } /* answers kept while offline */
  });
  /* A kept answer reached the server: show it where the person's answers are listed. */
  document.addEventListener("osuva:sent", function () { refreshPanel(false, true); });
  function showOffline() {
    connection.textContent = body.getAttribute("data-offline");
    connection.hidden = false;
  }
  socket.on("disconnect", function (reason) {
    /* The server ended this socket on purpose (the dialogue closed): the page shows why. */
    if (reason === "io server disconnect") { window.location.reload(); return; }
    showOffline();
  });
  if (navigator.onLine === false) { showOffline(); } /* opened from the service worker's copy */
  // A phone that slept gets the full state when it wakes.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && socket.connected) { socket.emit("sync"); }
  });

  var timerHandle = null;
  function startTimer() {
    if (timerHandle) { clearInterval(timerHandle); timerHandle = null; }
    var timer = panel.querySelector(".timer");
    if (!timer || timer.getAttribute("data-running") !== "true") { return; }
    var left = parseInt(timer.getAttribute("data-seconds"), 10);
    var value = timer.querySelector(".timer-value");
    var started = Date.now();
    timerHandle = setInterval(function () {
      var now = Math.max(0, left - Math.floor((Date.now() - started) / 1000));
      value.textContent = Math.floor(now / 60) + ":" + ("0" + (now % 60)).slice(-2);
      if (now === 0) { clearInterval(timerHandle); }
    }, 1000);
  }
  startTimer();
})();
