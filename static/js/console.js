/* Osuva console (facilitator): live run view, writes over the socket, keyboard shortcuts,
 * and keyboard theme assignment on the contributions page.
 * Every control is a plain form that works without JavaScript; this only makes it live.
 * User text goes into the page with textContent only. */
(function () {
  "use strict";
  var body = document.body;
  var dialogueId = body.getAttribute("data-dialogue");

  function typing(el) {
    if (!el || !el.tagName) { return false; }
    var tag = el.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || el.isContentEditable;
  }

  function unsavedText() {
    var boxes = document.querySelectorAll("textarea, input[data-clear]");
    /* A box still holding the text it came with (e.g. a section to edit) is nothing unsaved. */
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].value && boxes[i].value.trim() && boxes[i].value !== boxes[i].defaultValue) { return true; }
    }
    return false;
  }

  /* Reload the view, unless someone is writing: then ask first. */
  function reloadView() {
    if (!unsavedText()) { window.location.reload(); return; }
    var stale = document.getElementById("stale");
    if (!stale || !stale.hidden) { return; }
    stale.textContent = body.getAttribute("data-moved-label") + " ";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button small";
    button.textContent = body.getAttribute("data-reload-label");
    button.addEventListener("click", function () { window.location.reload(); });
    stale.appendChild(button);
    stale.hidden = false;
  }

  /* Keyboard shortcuts: a key presses the visible, enabled button with that data-key. */
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var buttons = document.querySelectorAll("button[data-key]");
    for (var i = 0; i < buttons.length; i++) {
      var b = buttons[i];
      if (b.getAttribute("data-key") === event.key && !b.disabled && !b.closest("[hidden]")) {
        event.preventDefault();
        b.click();
        return;
      }
    }
  });

  /* Text boxes of forms marked clear-after empty once the write is handed over. */
  Array.prototype.forEach.call(document.querySelectorAll("form.clear-after"), function (form) {
    form.addEventListener("submit", function () {
      window.setTimeout(function () {
        Array.prototype.forEach.call(form.querySelectorAll("[data-clear]"), function (f) { f.value = ""; });
      }, 0);
    });
  });

  if (!window.io || !window.Osuva || !dialogueId) { return; }
  var socket = window.io({ auth: { role: "facilitator", dialogue: dialogueId } });

  // -- the timer -----------------------------------------------------------------
  var timerHandle = null;
  function showTimer(timer) {
    var box = document.getElementById("timer-box");
    var value = document.getElementById("console-timer");
    if (!box || !value || !timer) { return; }
    if (timerHandle) { window.clearInterval(timerHandle); timerHandle = null; }
    var started = Date.now();
    function draw() {
      var left = timer.running ? Math.max(0, timer.seconds - Math.floor((Date.now() - started) / 1000)) : timer.seconds;
      value.textContent = Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
      box.classList.toggle("timer-done", timer.running && left === 0);
      if (left === 0 && timerHandle) { window.clearInterval(timerHandle); timerHandle = null; }
    }
    draw();
    if (timer.running) { timerHandle = window.setInterval(draw, 1000); }
    var start = document.getElementById("timer-start-form");
    var pause = document.getElementById("timer-pause-form");
    var fresh = box.querySelector(".timer-fresh");
    var minutes = document.getElementById("timer-minutes");
    if (start) { start.hidden = !!timer.running; }
    if (pause) { pause.hidden = !timer.running; }
    if (fresh) { fresh.hidden = timer.seconds > 0; }
    if (minutes) { minutes.disabled = timer.seconds > 0; }
  }
  (function initialTimer() {
    var box = document.getElementById("timer-box");
    if (box) {
      showTimer({ seconds: parseInt(box.getAttribute("data-seconds"), 10) || 0,
                  running: box.getAttribute("data-running") === "true" });
    }
  })();

  // -- screen mode and joining --------------------------------------------------
  function showModes(mode) {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-mode]"), function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-mode") === mode ? "true" : "false");
    });
  }
  function showJoin(locked) {
    var lock = document.getElementById("join-lock");
    var unlock = document.getElementById("join-unlock");
    if (lock) { lock.hidden = !!locked; }
    if (unlock) { unlock.hidden = !locked; }
    var status = document.getElementById("join-status");
    if (status && status.hasAttribute("data-locked")) {
      status.textContent = status.getAttribute(locked ? "data-locked" : "data-open");
    }
  }

  // -- the wall ------------------------------------------------------------------
  function hideForm(item) {
    return window.Osuva.actForm(body.getAttribute("data-act-url"), body.getAttribute("data-csrf"), "set_hidden",
                                { contribution_id: String(item.id), hidden: item.hidden ? "" : "1" },
                                body.getAttribute(item.hidden ? "data-restore-label" : "data-hide-label"));
  }
  function badge(label, extra) {
    var span = document.createElement("span");
    span.className = "badge" + (extra ? " " + extra : "");
    span.textContent = label;
    return span;
  }
  function drawWall(items) {
    var wall = document.getElementById("wall");
    if (!wall || !items) { return; }
    // Keep keyboard focus on the same contribution's button after redrawing.
    var holder = document.activeElement && wall.contains(document.activeElement)
      ? document.activeElement.closest("li") : null;
    var focused = holder ? holder.getAttribute("data-id") : null;
    while (wall.firstChild) { wall.removeChild(wall.firstChild); }
    var counter = document.getElementById("wall-count");
    if (counter) { counter.textContent = String(items.length); }
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.setAttribute("data-id", String(item.id));
      if (item.hidden) { li.className = "is-hidden"; }
      var text = document.createElement("span");
      text.className = "text";
      text.textContent = item.text;
      li.appendChild(text);
      if (item.table) { li.appendChild(badge(item.table)); }
      if (item.source === "staff") { li.appendChild(badge(body.getAttribute("data-staff-label"))); }
      if (item.report_only) { li.appendChild(badge(body.getAttribute("data-report-only-label"))); }
      if (item.hidden) { li.appendChild(badge(body.getAttribute("data-hidden-label"))); }
      if (item.pii) { li.appendChild(badge(body.getAttribute("data-pii-label"), "warn")); }
      li.appendChild(hideForm(item));
      wall.appendChild(li);
    });
    writer.wire(wall);
    if (focused) {
      var again = wall.querySelector('li[data-id="' + focused + '"] button');
      if (again) { again.focus(); }
    }
  }

  // -- writes --------------------------------------------------------------------
  var writer = new window.Osuva.LiveWriter({
    socket: socket,
    name: "console-" + dialogueId,
    onAck: function (ack, form, action) {
      if (!ack.ok) { window.Osuva.say(ack.error || "", "error"); return; }
      if (ack.message) { window.Osuva.say(ack.message, "ok"); }
      if (ack.timer) { showTimer(ack.timer); }
      if (action === "screen_mode" && ack.mode) { showModes(ack.mode); }
      if (action === "lock_join") { showJoin(ack.locked); }
      if (action === "assign_theme" && form) { markThemed(form, ack); }
      // Changes of step or state, and forms marked "reloads", redraw the whole view.
      if ((form && form.classList.contains("reloads")) || action === "go_to_step" || action === "set_state") {
        reloadView();
      }
    }
  });
  writer.wire(document);

  var newest = new window.Osuva.Newest();
  socket.on("live", function (state) {
    if (!newest.accept(state)) { return; } /* an older update overtaken by a newer one */
    // Step panels (e.g. voting results) redraw themselves from this event.
    document.dispatchEvent(new CustomEvent("osuva:live", { detail: state }));
    if (!body.classList.contains("run")) { return; }
    var rendered = body.getAttribute("data-step-id");
    if (String(state.step ? state.step.id : "") !== rendered || state.state !== body.getAttribute("data-state")) {
      reloadView();
      return;
    }
    var count = document.getElementById("participant-count");
    if (count) { count.textContent = String(state.participants); }
    showTimer(state.timer);
    showModes(state.screen_mode);
    showJoin(state.join_locked);
    if (state.step && state.step.wall) { drawWall(state.step.wall); }
    /* The step's counts (confirmed, notes, ...) follow the live state. */
    var counts = (state.step && state.step.results) || {};
    Array.prototype.forEach.call(document.querySelectorAll("[data-result]"), function (el) {
      var value = counts[el.getAttribute("data-result")];
      if (value != null && typeof value !== "object") { el.textContent = String(value); }
    });
    drawNotes(counts.feed);
  });

  /* A notes step's feed: the newest staff notes, the table hosts' too, as they are written. */
  function drawNotes(feed) {
    var list = document.getElementById("notes-feed");
    if (!list || !feed) { return; }
    while (list.firstChild) { list.removeChild(list.firstChild); }
    feed.forEach(function (note) {
      var li = document.createElement("li");
      var text = document.createElement("span");
      text.className = "text";
      text.textContent = note.text;
      li.appendChild(text);
      if (note.table) {
        li.appendChild(document.createTextNode(" "));
        li.appendChild(badge(list.getAttribute("data-table-label") + " " + note.table));
      }
      if (note.pii) {
        li.appendChild(document.createTextNode(" "));
        li.appendChild(badge(list.getAttribute("data-pii-label"), "warn"));
      }
      list.appendChild(li);
    });
    var empty = document.getElementById("notes-empty");
    if (empty) { empty.hidden = feed.length > 0; }
  }

  // -- contributions page: themes by keyboard -----------------------------------
  // With focus on a contribution row: 1–9 puts it in theme 1–9 of the list, 0 takes
  // its theme away, x selects it for the batch actions, j/k move between rows.
  function markThemed(form, ack) {
    var row = form.closest("[data-contribution]");
    var label = row ? row.querySelector(".theme-name") : null;
    if (!label) { return; }
    var select = form.querySelector("select[name=theme_id]");
    var option = select ? select.options[select.selectedIndex] : null;
    label.textContent = ack.theme_id && option ? option.textContent : label.getAttribute("data-none");
  }
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-contribution]"));
  function rowOf(el) { return el && el.closest ? el.closest("[data-contribution]") : null; }
  document.addEventListener("keydown", function (event) {
    if (!rows.length || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var row = rowOf(document.activeElement);
    if (!row && (event.key === "j" || event.key === "k") && !typing(event.target)) {
      /* The help names j/k: from anywhere on the page they start at the first (or last) text. */
      event.preventDefault();
      rows[event.key === "j" ? 0 : rows.length - 1].focus();
      return;
    }
    if (!row || (typing(event.target) && event.target.tagName.toLowerCase() !== "input")) { return; }
    if (event.target.type === "text" || event.target.type === "search") { return; }
    var index = rows.indexOf(row);
    if (event.key === "j" || event.key === "k") {
      var next = rows[index + (event.key === "j" ? 1 : -1)];
      if (next) { event.preventDefault(); next.focus(); }
      return;
    }
    if (event.key === "x") {
      var box = row.querySelector("input[type=checkbox]");
      if (box) { event.preventDefault(); box.checked = !box.checked; }
      return;
    }
    if (/^[0-9]$/.test(event.key)) {
      var form = row.querySelector("form.theme-form");
      var select = form ? form.querySelector("select[name=theme_id]") : null;
      if (!select) { return; }
      var n = parseInt(event.key, 10);
      // Option 0 is "no theme"; options 1..9 are the first nine themes.
      if (n >= select.options.length) { return; }
      event.preventDefault();
      select.selectedIndex = n;
      if (form.requestSubmit) { form.requestSubmit(); } else { form.querySelector("button[type=submit]").click(); }
    }
  });
})();
