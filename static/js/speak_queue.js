/* Osuva console: the anonymous "I'd like to speak" queue, redrawn from each live state.
 * console.js announces the live state as the DOM event "osuva:live". Text by textContent only. */
(function () {
  "use strict";
  var box = document.querySelector("[data-speak-queue]");
  if (!box) { return; }
  var list = box.querySelector("[data-speak-list]");
  var count = box.querySelector("[data-speak-count]");
  var empty = box.querySelector("[data-speak-empty]");
  var done = document.getElementById("speaker-done-form");

  function clock(seconds) {
    return Math.floor(seconds / 60) + ":" + ("0" + (seconds % 60)).slice(-2);
  }

  document.addEventListener("osuva:live", function (event) {
    var queue = (event.detail || {}).speak_queue;
    if (!queue) { return; }
    while (list.firstChild) { list.removeChild(list.firstChild); }
    queue.forEach(function (entry) {
      var li = document.createElement("li");
      li.textContent = box.getAttribute("data-waiting-label").replace("%(time)s", clock(entry.waiting_seconds || 0));
      list.appendChild(li);
    });
    count.textContent = String(queue.length);
    empty.hidden = queue.length > 0;
    if (done) { done.hidden = queue.length === 0; }
  });
})();
