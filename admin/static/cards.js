// The Cards page: "tick everyone in this room", a person ticked under one room ticked under the
// others too, and the count on the button. The form works without it (the server sends each
// person once); this only saves taps on a tablet.
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[name=holder]"));
  var count = document.querySelector("[data-tick-count]");

  function refresh() {
    var ticked = {};
    boxes.forEach(function (box) { if (box.checked) { ticked[box.value] = true; } });
    var n = Object.keys(ticked).length;
    if (count) { count.textContent = n ? " (" + n + ")" : ""; }
    document.querySelectorAll("[data-tick-group]").forEach(function (group) {
      var inside = group.querySelectorAll("input[name=holder]");
      var all = group.querySelector("[data-tick-all]");
      var every = inside.length > 0;
      inside.forEach(function (box) { every = every && box.checked; });
      if (all) { all.checked = every; }
    });
  }

  function tick(value, on) {
    boxes.forEach(function (box) { if (box.value === value) { box.checked = on; } });
  }

  boxes.forEach(function (box) {
    box.addEventListener("change", function () { tick(box.value, box.checked); refresh(); });
  });
  document.querySelectorAll("[data-tick-group]").forEach(function (group) {
    var all = group.querySelector("[data-tick-all]");
    if (!all) { return; }
    all.closest("label").hidden = false;
    all.addEventListener("change", function () {
      group.querySelectorAll("input[name=holder]").forEach(function (box) {
        tick(box.value, all.checked);
      });
      refresh();
    });
  });
  refresh();
})();
