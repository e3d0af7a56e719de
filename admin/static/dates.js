// Date fields are text in the setting's order (dd/mm/yyyy in the UK), typed and read by the
// hub without script. Where the browser has a calendar, a button beside each field opens it
// and writes the chosen day into the text field in that order. Nothing depends on this.
(function () {
  "use strict";
  var two = function (n) { return (n < 10 ? "0" : "") + n; };
  function written(iso, order) {  // "2026-12-31" in the field's order
    var p = iso.split("-");
    if (p.length !== 3) { return ""; }
    if (order === "mdy") { return p[1] + "/" + p[2] + "/" + p[0]; }
    if (order === "ymd") { return iso; }
    return p[2] + "/" + p[1] + "/" + p[0];
  }
  function iso(text, order) {  // the field's day as yyyy-mm-dd for the calendar, or ""
    var n = text.trim().split(/\s*[\/.-]\s*/).map(Number);
    if (n.length !== 3 || n.some(isNaN)) { return ""; }
    var d = order === "mdy" ? [n[2], n[0], n[1]] : order === "ymd" || n[0] > 999 ? n : [n[2], n[1], n[0]];
    return d[0] > 999 ? d[0] + "-" + two(d[1]) + "-" + two(d[2]) : "";
  }
  function enhance(field) {
    var picker = document.createElement("input");
    if (!("showPicker" in picker)) { return; }
    picker.type = "date";
    picker.tabIndex = -1;
    picker.className = "date-picker";
    picker.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "quiet date-button";
    // The words come with the field, in the page's language (the parents' page is translated).
    button.textContent = field.dataset.calendar || "Calendar";
    button.setAttribute("aria-label", field.dataset.calendarLabel || "Choose the date from a calendar");
    button.addEventListener("click", function () {
      picker.value = iso(field.value, field.dataset.dateOrder);
      try { picker.showPicker(); } catch (e) { picker.focus(); }
    });
    picker.addEventListener("change", function () {
      if (picker.value) { field.value = written(picker.value, field.dataset.dateOrder); }
      field.dispatchEvent(new Event("change", { bubbles: true }));
    });
    field.parentNode.appendChild(picker);
    field.parentNode.appendChild(button);
  }
  document.querySelectorAll("input[data-date-order]").forEach(enhance);
})();
