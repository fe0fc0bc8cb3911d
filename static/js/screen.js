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
    // Opened or closed: the page itself changes (the join code and QR come or go).
    if (state.state && state.state !== body.getAttribute("data-state")) { window.location.reload(); return; }
    var mode = state.screen_mode;
    var step = state.step;
    var calm = !!state.phones_down;
    body.className = "screen mode-" + mode + (calm ? " phones-down" : "");
    text("participants", state.participants);
    var word = document.getElementById("participants-word");
    if (word && window.Intl && Intl.PluralRules) {
      // "1 participant", "2 participants": the plural rule of the page's language
      var form = new Intl.PluralRules(body.getAttribute("data-lang")).select(Number(state.participants));
      word.textContent = word.getAttribute(form === "one" ? "data-one" : "data-other");
    }
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
    wall.classList.toggle("table-columns", !!(step && step.tables));
    if (step && step.tables && mode === "step" && !calm) {
      /* A step worked by table: one column per table (or the one table the facilitator chose). */
      step.tables.forEach(function (table) {
        var column = document.createElement("li");
        column.className = "table-column";
        var name = document.createElement("h2");
        name.textContent = table.name;
        column.appendChild(name);
        var list = document.createElement("ul");
        list.className = "wall";
        table.wall.forEach(function (item) {
          var li = document.createElement("li");
          li.textContent = item.text;
          list.appendChild(li);
        });
        column.appendChild(list);
        wall.appendChild(column);
      });
    } else if (step && step.wall && mode === "step" && !calm) {
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
    fit();
  });

  /* A projector never scrolls: when the content is taller than the screen, the type shrinks
     step by step (to half at the most) until it fits; it grows back when it can. */
  var MIN_FIT = 0.5;
  function fit() {
    var main = document.querySelector("main");
    if (!main) { return; }
    var scale = 1;
    main.style.setProperty("--fit", "1");
    while (main.scrollHeight > window.innerHeight && scale > MIN_FIT) {
      scale = Math.max(MIN_FIT, scale - 0.05);
      main.style.setProperty("--fit", String(scale));
    }
  }
  window.addEventListener("resize", fit);
  fit();
})();
