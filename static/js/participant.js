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
  var socket = window.io({ auth: { role: "participant", dialogue: dialogueId }, transports: ["websocket", "polling"] });
  var lastState = null;

  function renderedStep() {
    var section = panel.querySelector(".panel");
    return section ? section.getAttribute("data-step-id") : "";
  }

  function refreshPanel(announce) {
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
        panel.replaceChildren(document.importNode(fresh, true));
        writer.wire(panel);
        startTimer();
        if (announce) {
          var title = panel.querySelector("h1");
          if (title) { window.Osuva.say(title.textContent, "ok"); }
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

  socket.on("state", function (state) {
    var stepChanged = String(state.step_id || "") !== renderedStep();
    var calmChanged = lastState && lastState.phones_down !== state.phones_down;
    var timerChanged = lastState && JSON.stringify(lastState.timer) !== JSON.stringify(state.timer);
    lastState = state;
    if (stepChanged || calmChanged || timerChanged) { refreshPanel(stepChanged); }
  });
  socket.on("connect", function () {
    connection.hidden = true;
  });
  socket.on("disconnect", function () {
    connection.textContent = body.getAttribute("data-offline");
    connection.hidden = false;
  });
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
