/* The moderator's desk, on top of plain forms that work without it:
 * - queue rows: actions are sent with fetch and the row is replaced in place, counts updated;
 * - keys: j / k move between rows, a approve, h hide, b ban, x select (not while typing);
 * - the article filter of the comment list suggests titles from the admin's autocomplete. */
(function () {
  "use strict";

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-row]"));
  }

  function current() {
    return document.querySelector("[data-row].mod-row--current");
  }

  function select(row) {
    var previous = current();
    if (previous) previous.classList.remove("mod-row--current");
    if (!row) return;
    row.classList.add("mod-row--current");
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var all = rows();
    if (!all.length) return;
    var index = all.indexOf(current());
    var next = index < 0 ? 0 : Math.min(Math.max(index + step, 0), all.length - 1);
    select(all[next]);
  }

  function updateCounts(counts) {
    Object.keys(counts || {}).forEach(function (key) {
      document.querySelectorAll('[data-count="' + key + '"]').forEach(function (node) {
        node.textContent = counts[key];
      });
    });
  }

  function say(row, text, failed) {
    var note = document.createElement("p");
    note.className = "mod-row__note" + (failed ? " mod-row__note--error" : "");
    note.setAttribute("role", failed ? "alert" : "status");
    note.textContent = text;
    var old = row.querySelector(".mod-row__note");
    if (old) old.remove();
    row.querySelector(".mod-row__main").appendChild(note);
  }

  function send(form, action) {
    var row = form.closest("[data-row]");
    var data = new FormData(form);
    data.set("action", action);
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        return response.json().catch(function () {
          return { ok: false, message: response.statusText };
        });
      })
      .then(function (result) {
        if (!result.ok) {
          form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
          say(row, result.message, true);
          return;
        }
        var wasCurrent = row.classList.contains("mod-row--current");
        var holder = document.createElement("div");
        holder.innerHTML = result.html.trim();
        var fresh = holder.firstElementChild;
        row.replaceWith(fresh);
        say(fresh, result.message, false);
        updateCounts(result.counts);
        if (wasCurrent) {
          select(fresh);
          move(1);
        }
      })
      .catch(function () {
        form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
        say(row, "⚠", true);
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-act]")) return;
    var button = event.submitter;
    if (!button || !button.name) return; // Enter in a field: let the browser post it
    event.preventDefault();
    send(form, button.value);
  });

  document.addEventListener("click", function (event) {
    var row = event.target.closest && event.target.closest("[data-row]");
    if (row && !event.target.closest("button, a, input, select, summary, label")) select(row);
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, select, textarea, [contenteditable]")) return;
    if (!document.querySelector("[data-row]")) return;
    var key = event.key;
    if (key === "j" || key === "k") {
      event.preventDefault();
      move(key === "j" ? 1 : -1);
      return;
    }
    var row = current();
    if (!row) return;
    if (key === "x") {
      var box = row.querySelector('input[type="checkbox"]');
      if (box) box.checked = !box.checked;
      event.preventDefault();
      return;
    }
    var button = row.querySelector('button[data-key="' + key + '"]');
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
  });

  // The comment list's article filter: titles suggested as the moderator types.
  var box = document.querySelector("[data-article-autocomplete]");
  if (box) {
    var list = document.getElementById(box.getAttribute("list"));
    var timer = null;
    box.addEventListener("input", function () {
      clearTimeout(timer);
      var term = box.value.trim();
      if (term.length < 2) return;
      timer = setTimeout(function () {
        var url = box.getAttribute("data-article-autocomplete") + "&term=" + encodeURIComponent(term);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            list.replaceChildren();
            (data.results || []).forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.text;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 200);
    });
  }
})();
