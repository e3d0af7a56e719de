// Live notices for every open panel page: a banner and a chime for alerts, and a quiet refresh
// of the "today" fragments. Pages work without it; this only saves a reload.
(function () {
  "use strict";
  if (!window.EventSource) { return; }
  var banner = document.getElementById("live-banner");
  var text = document.getElementById("live-banner-text");
  var close = document.getElementById("live-banner-close");
  var chime = new Audio("/sound/alert.wav");
  if (close) { close.addEventListener("click", function () { banner.hidden = true; }); }

  function refreshFragments() {
    var parts = document.querySelectorAll("[data-live]");
    parts.forEach(function (part) {
      fetch(part.getAttribute("data-live"), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null) { return; }
          part.innerHTML = html;
          if (window.handoverLabelTables) { window.handoverLabelTables(part); }
        })
        .catch(function () {});
    });
  }

  var source = new EventSource("/live");
  source.addEventListener("alert", function (event) {
    var notice = JSON.parse(event.data);
    text.textContent = notice.text;
    banner.hidden = false;
    banner.setAttribute("data-alert", notice.uuid);
    chime.play().catch(function () {});  // browsers may block sound until the page is clicked
    refreshFragments();
  });
  source.addEventListener("change", refreshFragments);
  source.addEventListener("signed_out", function () { source.close(); window.location.reload(); });
})();

// The print button on card sheets and registers (no inline script: the CSP forbids it).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
