/* issuekb: make the listing tables (inside div.issuekb-listing) filterable and sortable.
   Progressive enhancement: without this script they are plain tables. Runs again after every
   instant-navigation page change (Material's document$). Loads nothing. */
(function () {
  "use strict";

  function sortKey(cell) {
    var text = cell.textContent.trim();
    var number = /^(?:[\w.-]+\/[\w.-]+)?#?(\d+)$/.exec(text);
    return number ? { n: parseInt(number[1], 10), t: text } : { n: null, t: text.toLowerCase() };
  }

  function compare(a, b) {
    if (a.n !== null && b.n !== null) return a.n - b.n;
    if (a.t === b.t) return 0;
    if (a.t === "") return 1; /* empty cells last */
    if (b.t === "") return -1;
    return a.t < b.t ? -1 : 1;
  }

  function enhance(box) {
    var table = box.querySelector("table");
    if (!table || box.getAttribute("data-issuekb") === "ready" || !table.tHead || !table.tBodies[0]) return;
    box.setAttribute("data-issuekb", "ready");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);

    var input = document.createElement("input");
    input.type = "search";
    input.className = "issuekb-filter";
    input.placeholder = "Filter these " + rows.length + " rows";
    input.setAttribute("aria-label", "Filter the table");
    var shown = document.createElement("span");
    shown.className = "issuekb-shown";
    shown.setAttribute("aria-live", "polite");
    box.insertBefore(shown, box.firstChild);
    box.insertBefore(input, box.firstChild);

    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var count = 0;
      rows.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        row.hidden = !match;
        if (match) count += 1;
      });
      shown.textContent = words.length ? count + " of " + rows.length + " shown" : "";
    });

    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    headers.forEach(function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "issuekb-sort";
      button.title = "Sort by this column";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var keyed = rows.map(function (row, index) {
          return { row: row, key: sortKey(row.cells[column] || row), index: index };
        });
        keyed.sort(function (a, b) {
          var order = compare(a.key, b.key);
          return (ascending ? order : -order) || a.index - b.index;
        });
        keyed.forEach(function (item) { body.appendChild(item.row); });
      });
    });
  }

  function enhanceAll() {
    Array.prototype.forEach.call(document.querySelectorAll("div.issuekb-listing"), enhance);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(enhanceAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();
