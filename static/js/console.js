/* Osuva console: live wall and counts; actions over the socket. */
(function () {
  "use strict";
  if (!window.io || !window.Osuva) { return; }
  var body = document.body;
  var dialogueId = body.getAttribute("data-dialogue");
  var socket = window.io({ auth: { role: "facilitator", dialogue: dialogueId } });

  var writer = new window.Osuva.LiveWriter({
    socket: socket,
    name: "console-" + dialogueId,
    onAck: function (ack, form, action) {
      if (!ack.ok) { window.Osuva.say(ack.error || "", "error"); return; }
      if (ack.message) { window.Osuva.say(ack.message, "ok"); }
      // Moving steps and switching modes change the whole view: load it again.
      if (action !== "set_hidden") { window.location.reload(); }
    }
  });
  writer.wire(document);

  function hideForm(item) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = body.getAttribute("data-act-url");
    form.className = "inline act";
    var fields = { csrf_token: body.getAttribute("data-csrf"), action: "set_hidden",
                   client_id: window.Osuva.randomId(), contribution_id: String(item.id),
                   hidden: item.hidden ? "" : "1" };
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = fields[name];
      form.appendChild(input);
    });
    var button = document.createElement("button");
    button.type = "submit";
    button.className = "button small";
    button.textContent = body.getAttribute(item.hidden ? "data-restore-label" : "data-hide-label");
    form.appendChild(button);
    return form;
  }

  function badge(label, extra) {
    var span = document.createElement("span");
    span.className = "badge" + (extra ? " " + extra : "");
    span.textContent = label;
    return span;
  }

  socket.on("live", function (state) {
    var rendered = body.getAttribute("data-step-id");
    if (String(state.step ? state.step.id : "") !== rendered) { window.location.reload(); return; }
    var count = document.getElementById("participant-count");
    if (count) { count.textContent = String(state.participants); }
    var wall = document.getElementById("wall");
    if (!wall || !state.step || !state.step.wall) { return; }
    while (wall.firstChild) { wall.removeChild(wall.firstChild); }
    state.step.wall.forEach(function (item) {
      var li = document.createElement("li");
      if (item.hidden) { li.className = "is-hidden"; }
      var text = document.createElement("span");
      text.className = "text";
      text.textContent = item.text;
      li.appendChild(text);
      if (item.hidden) { li.appendChild(badge(body.getAttribute("data-hidden-label"))); }
      if (item.pii) { li.appendChild(badge(body.getAttribute("data-pii-label"), "warn")); }
      li.appendChild(hideForm(item));
      wall.appendChild(li);
    });
    writer.wire(wall);
  });
})();
