/* Osuva projector screen: the live state, drawn with textContent only. */
(function () {
  "use strict";
  if (!window.io) { return; }
  var body = document.body;
  var socket = window.io({ auth: { role: "screen", dialogue: body.getAttribute("data-dialogue"), token: body.getAttribute("data-token") } });
  var timerHandle = null;

  function text(id, value) {
    var el = document.getElementById(id);
    if (el) { el.textContent = value == null ? "" : String(value); }
  }

  function clear(el) { while (el.firstChild) { el.removeChild(el.firstChild); } }

  function renderResults(container, step) {
    // bars.js draws bars, groups (stance, scale) and a highlighted question.
    if (!window.OsuvaBars) { clear(container); return; }
    window.OsuvaBars.render(container, step.results,
      { hiddenText: step.results_hidden ? body.getAttribute("data-label-hidden-results") : "" });
  }

  /* A list of cards (commitments, questions): {text, meta}. */
  function renderList(container, results) {
    if (!results || !results.list) { return; }
    var list = document.createElement("ul");
    list.className = "wall cards";
    results.list.forEach(function (entry) {
      var li = document.createElement("li");
      var main = document.createElement("p");
      main.className = "card-text";
      main.textContent = entry.text;
      li.appendChild(main);
      if (entry.meta) {
        var meta = document.createElement("p");
        meta.className = "card-meta";
        meta.textContent = entry.meta;
        li.appendChild(meta);
      }
      list.appendChild(li);
    });
    container.appendChild(list);
  }

  function runTimer(timer) {
    var el = document.getElementById("timer");
    if (timerHandle) { clearInterval(timerHandle); timerHandle = null; }
    if (!timer || !timer.seconds) { el.hidden = true; return; }
    el.hidden = false;
    var started = Date.now();
    function draw() {
      var left = timer.running ? Math.max(0, timer.seconds - Math.floor((Date.now() - started) / 1000)) : timer.seconds;
      el.textContent = Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
    }
    draw();
    if (timer.running) { timerHandle = setInterval(draw, 1000); }
  }

  /* Updates from several server processes can overtake each other: keep the newest by
     `as_of` (seconds; the same rule as Osuva.Newest in act.js, which this page does not load). */
  var newest = 0;
  socket.on("live", function (state) {
    if (typeof state.as_of === "number") {
      if (state.as_of < newest && newest - state.as_of < 60) { return; }
      newest = state.as_of;
    }
    var mode = state.screen_mode;
    var step = state.step;
    var calm = !!state.phones_down;
    body.className = "screen mode-" + mode + (calm ? " phones-down" : "");
    text("participants", state.participants);
    text("topic", state.topic);
    text("code", state.code);
    text("join-url", state.join_url);
    if (mode === "pause") {
      text("step-title", body.getAttribute("data-label-pause"));
      text("step-body", "");
    } else {
      text("step-title", step ? step.title : state.title);
      text("step-body", step ? step.body : state.topic);
    }
    runTimer(state.timer);
    var wall = document.getElementById("wall");
    clear(wall);
    if (step && step.wall && mode === "step" && !calm) {
      step.wall.forEach(function (item) {
        var li = document.createElement("li");
        if (item.decision_maker) {
          var who = document.createElement("span");
          who.className = "badge";
          who.textContent = body.getAttribute("data-label-decision-maker");
          li.appendChild(who);
          li.appendChild(document.createTextNode(" "));
        }
        li.appendChild(document.createTextNode(item.text));
        wall.appendChild(li);
      });
    }
    var results = document.getElementById("results");
    if (step && (mode === "results" || mode === "step") && !calm) {
      renderResults(results, step);
      renderList(results, step.results);
    } else {
      clear(results);
    }
  });
})();
