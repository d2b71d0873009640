// Polls the import run's JSON state and updates the progress page; reloads once it finishes
// so the report is rendered by the server. Without JavaScript a <noscript> refresh does this.
(function () {
  "use strict";
  var root = document.querySelector(".wpimport-run");
  if (!root || root.dataset.finished === "1") return;
  var url = root.dataset.statusUrl;

  function set(selector, value) {
    var node = root.querySelector(selector);
    if (node) node.textContent = value;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.finished) { window.location.reload(); return; }
        var progress = state.progress || {};
        var counts = progress.counts || {};
        set("[data-field=status]", state.status_display);
        set("[data-field=percent]", progress.percent || 0);
        var bar = root.querySelector("[data-field=bar]");
        if (bar) bar.value = progress.percent || 0;
        Object.keys(counts).forEach(function (kind) { set("[data-count=" + kind + "]", counts[kind]); });
        var stalled = root.querySelector("[data-field=stalled]");
        if (stalled) stalled.hidden = !state.stalled;
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
