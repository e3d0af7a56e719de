// On a phone the office's tables read as lists (office.css, "a room tablet or a phone"): each
// cell is labelled with its column's heading, so a value in the list still says what it is.
// Without script the list shows the values alone; nothing else depends on this.
(function () {
  "use strict";
  function label(root) {
    (root || document).querySelectorAll("table").forEach(function (table) {
      // The headings: the thead's row, or a first row of headings alone (<tr><th>…</tr>).
      var heads = table.querySelector("thead tr") || table.rows[0];
      if (!heads || heads.querySelector("td")) { return; }
      heads.classList.add("column-heads");
      var names = [];
      Array.prototype.forEach.call(heads.cells, function (cell) {
        for (var i = 0; i < (cell.colSpan || 1); i += 1) { names.push(cell.textContent.trim()); }
      });
      Array.prototype.forEach.call(table.rows, function (row) {
        if (row === heads) { return; }
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (names[column] && cell.tagName === "TD" && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", names[column]);
          }
          column += cell.colSpan || 1;
        });
      });
    });
  }
  window.handoverLabelTables = label;  // live.js calls it again after a fragment is refreshed
  label(document);
})();
