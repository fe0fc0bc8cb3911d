/* Osuva helper page (scribe, table host, recorder): writes over the socket with an
 * outbox, and the "now" line follows the facilitator. Never reloads the page, so a
 * half-written note is never lost. All text goes in with textContent. */
(function () {
  "use strict";
  if (!window.io || !window.Osuva) { return; }
  var body = document.body;
  var connection = document.getElementById("connection");
  var socket = window.io({ auth: { role: "helper", dialogue: body.getAttribute("data-dialogue"),
                                   token: body.getAttribute("data-token") } });
  var shownStep = body.getAttribute("data-step-id");

  var writer = new window.Osuva.LiveWriter({
    socket: socket,
    name: "helper-" + body.getAttribute("data-dialogue"),
    onAck: function (ack) {
      if (!ack.ok) { window.Osuva.say(ack.error || "", "error"); return; }
      if (ack.message) { window.Osuva.say(ack.message, "ok"); }
    }
  });
  writer.offlineText = body.getAttribute("data-offline");
  writer.wire(document);

  // After a write has been handed to the outbox, empty its text box for the next one.
  Array.prototype.forEach.call(document.querySelectorAll("form.clear-after"), function (form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.querySelectorAll("[data-clear]"), function (field) { field.value = ""; });
    });
  });

  function untouched(select) {
    var form = select.form;
    var boxes = form ? form.querySelectorAll("[data-clear]") : [];
    for (var i = 0; i < boxes.length; i++) { if (boxes[i].value) { return false; } }
    return true;
  }

  var newest = new window.Osuva.Newest();
  socket.on("live", function (state) {
    if (!newest.accept(state)) { return; } /* an older update overtaken by a newer one */
    drawTableWall(state.step && state.step.wall);
    var stepId = state.step ? String(state.step.id) : "";
    if (stepId === shownStep) { return; }
    shownStep = stepId;
    var title = document.getElementById("now-title");
    if (title && state.step) { title.textContent = state.step.title; }
    // Forms nobody is writing in follow the current step.
    Array.prototype.forEach.call(document.querySelectorAll("select[data-follow-current]"), function (select) {
      if (!untouched(select)) { return; }
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].value === stepId) { select.value = stepId; }
      }
    });
  });
  socket.on("connect", function () { connection.hidden = true; });

  /* A table host's list of their table's answers follows the live state (their table's only). */
  function drawTableWall(items) {
    var list = document.getElementById("table-wall");
    if (!list || !items) { return; }
    /* Keyboard focus stays on the same answer's button after the redraw. */
    var holder = list.contains(document.activeElement) ? document.activeElement.closest("li") : null;
    var focused = holder ? holder.getAttribute("data-id") : null;
    while (list.firstChild) { list.removeChild(list.firstChild); }
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.setAttribute("data-id", String(item.id));
      if (item.hidden) { li.className = "is-hidden"; }
      var text = document.createElement("span");
      text.className = "text";
      text.textContent = item.text;
      li.appendChild(text);
      var form = window.Osuva.actForm(list.getAttribute("data-act-url"), list.getAttribute("data-csrf"), "set_hidden",
                                      { contribution_id: String(item.id), hidden: item.hidden ? "" : "1" },
                                      list.getAttribute(item.hidden ? "data-restore-label" : "data-hide-label"));
      li.appendChild(form);
      list.appendChild(li);
    });
    writer.wire(list);
    var again = focused && list.querySelector('li[data-id="' + focused + '"] button');
    if (again) { again.focus(); }
  }
  socket.on("disconnect", function () {
    connection.textContent = body.getAttribute("data-offline");
    connection.hidden = false;
  });
})();
