/* Osuva result bars: large, labelled bars for the screen and the console.
 * `results` is a voting step's live state: {bars: [...], groups: [{title, note, bars}],
 * highlight}; each bar is {label, value, share, text}. Text goes in with textContent
 * only; the number is always written out, so colour is never the only meaning. */
(function () {
  "use strict";

  function clear(el) { while (el.firstChild) { el.removeChild(el.firstChild); } }

  function paragraph(className, text) {
    var p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }

  function barList(bars) {
    var list = document.createElement("ul");
    list.className = "bars";
    bars.forEach(function (bar) {
      var li = document.createElement("li");
      var label = document.createElement("div");
      label.className = "bar-label";
      var name = document.createElement("span");
      name.textContent = bar.label;
      var value = document.createElement("span");
      value.textContent = bar.text != null ? bar.text : String(bar.value);
      label.appendChild(name);
      label.appendChild(value);
      var track = document.createElement("div");
      track.className = "bar";
      track.setAttribute("aria-hidden", "true");
      var fill = document.createElement("span");
      // CSSOM, not a style attribute: allowed by the page's CSP.
      fill.style.width = Math.round(Math.max(0, Math.min(1, bar.share || 0)) * 100) + "%";
      track.appendChild(fill);
      li.appendChild(label);
      li.appendChild(track);
      list.appendChild(li);
    });
    return list;
  }

  function render(container, results, options) {
    clear(container);
    /* Hidden results: say so; what the step shows meanwhile (a text under discussion) follows. */
    if (options && options.hiddenText) { container.appendChild(paragraph("results-hidden", options.hiddenText)); }
    if (!results) { return; }
    if (results.highlight) { container.appendChild(paragraph("highlight-question", results.highlight)); }
    if (results.bars && results.bars.length) { container.appendChild(barList(results.bars)); }
    var groups = document.createElement("div");
    groups.className = "result-groups";
    (results.groups || []).forEach(function (group) {
      var section = document.createElement("section");
      section.className = "result-group";
      var title = document.createElement(options && options.groupTag || "h2");
      title.className = "group-title";
      title.textContent = group.title;
      section.appendChild(title);
      if (group.note) { section.appendChild(paragraph("hint", group.note)); }
      section.appendChild(barList(group.bars || []));
      groups.appendChild(section);
    });
    if (groups.firstChild) { container.appendChild(groups); }
  }

  window.OsuvaBars = { render: render, clear: clear };
})();
