/* Osuva console, voting steps: redraw the results as the coalesced tallies arrive.
 * console.js announces every live state as a DOM event "osuva:live". */
(function () {
  "use strict";
  if (!window.OsuvaBars) { return; }
  document.addEventListener("osuva:live", function (event) {
    var state = event.detail || {};
    var results = state.step && state.step.results;
    if (!results) { return; }
    var box = document.querySelector("[data-voting-live]");
    if (box) { window.OsuvaBars.render(box, results, { groupTag: "h5" }); }
    if (results.took_part) {
      Array.prototype.forEach.call(document.querySelectorAll("[data-took-part]"), function (el) {
        var value = results.took_part[el.getAttribute("data-took-part")];
        if (value != null) { el.textContent = String(value); }
      });
    }
    var signal = document.querySelector("[data-not-understood]");
    if (signal && results.not_understood != null) { signal.textContent = String(results.not_understood); }
  });
})();
