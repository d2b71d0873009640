/* Kiji comments: progressive enhancement of the plain forms (which work without this file).
 * - the page is the same for every reader; this reader's own state (votes pressed, edit links,
 *   held notices) comes from /comments/me/<article>/ and is applied here;
 * - 返信 opens the reply form under the comment instead of going to the reply page;
 * - 引用して返信 opens it with the selected text as "> " lines;
 * - posting and voting happen with fetch (JSON answers), the new comment appears in place.
 * Vanilla JS, no build step. No CSRF token: the server checks the browser's Fetch Metadata. */
(function () {
  "use strict";

  var section = document.querySelector("[data-comments]");
  if (!section || !window.fetch || !window.FormData) return;
  // Tell the server this browser applies its own state to the shared page (see pagecache/cache.py).
  document.cookie = "kiji_js=1; path=/; max-age=" + 30 * 86400 + "; samesite=lax" +
    (location.protocol === "https:" ? "; secure" : "");
  var mainForm = section.querySelector("form[data-comment-form]");
  var maxDepth = parseInt(section.getAttribute("data-max-depth") || "5", 10);
  var lastSelection = { id: null, text: "" };

  function send(form) {
    return fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      return response
        .json()
        .catch(function () {
          return { ok: false, message: response.status === 403 ? "403" : String(response.status) };
        })
        .then(function (data) {
          data.status = response.status;
          return data;
        });
    });
  }

  function showErrors(form, data) {
    var box = form.querySelector(".comment-form__errors");
    form.querySelectorAll(".comment-form__error--js").forEach(function (el) { el.remove(); });
    if (!box) return;
    box.textContent = "";
    var lines = [data.message || ""];
    var errors = data.errors || {};
    Object.keys(errors).forEach(function (name) {
      var field = form.querySelector("[name=" + name + "]");
      errors[name].forEach(function (message) {
        if (field && field.type !== "hidden") {
          var span = document.createElement("span");
          span.className = "comment-form__error comment-form__error--js";
          span.textContent = message;
          field.insertAdjacentElement("afterend", span);
        } else {
          lines.push(message);
        }
      });
    });
    lines.filter(Boolean).forEach(function (line) {
      var p = document.createElement("p");
      p.className = "comment-form__error";
      p.textContent = line;
      box.appendChild(p);
    });
  }

  function fromHTML(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function insertComment(data, quiet) {
    var node = fromHTML(data.html);
    if (!node) return;
    var parentArticle = data.parent ? document.getElementById("comment-" + data.parent) : null;
    if (parentArticle) {
      var parentItem = parentArticle.closest("li");
      var depth = parseInt(parentItem.getAttribute("data-depth") || "0", 10);
      if (depth + 1 < maxDepth) {
        var list = parentItem.querySelector(":scope > ol.comment-list--replies");
        if (!list) {
          list = document.createElement("ol");
          list.className = "comment-list comment-list--replies";
          list.setAttribute("data-replies-of", data.parent);
          parentItem.appendChild(list);
        }
        list.appendChild(node);
      } else {
        parentItem.insertAdjacentElement("afterend", node);
      }
    } else {
      var threads = section.querySelector("#comment-threads");
      if (threads.getAttribute("data-sort") === "new") threads.prepend(node);
      else threads.appendChild(node);
      var empty = section.querySelector(".comments__empty");
      if (empty) empty.remove();
    }
    enhance(node);
    var article = node.querySelector("article.comment");
    if (article) {
      article.classList.add("comment--new");
      if (!quiet) article.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }

  function onSubmitComment(event) {
    var form = event.target;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    send(form)
      .then(function (data) {
        if (!data.ok) {
          showErrors(form, data);
          return;
        }
        showErrors(form, { message: "" });
        // A duplicate post answers with the existing comment, which may already be on the page.
        if (data.html && !document.getElementById("comment-" + data.id)) insertComment(data);
        if (data.html) addEditLink({ id: data.id, url: "/comments/" + data.id + "/edit/" });
        if (data.html && data.created) setCount(shownCount() + 1);
        remember(form);
        notice(form, data.message);
        form.querySelector("textarea[name=body]").value = "";
        if (form !== mainForm) form.remove();
      })
      .catch(function () {
        showErrors(form, { message: section.getAttribute("data-network-error") || "Network error" });
      })
      .finally(function () {
        if (button) button.disabled = false;
      });
  }

  function notice(form, message) {
    if (!message) return;
    var status = document.createElement("p");
    status.className = "comments__notice";
    status.setAttribute("role", "status");
    status.textContent = message;
    var old = section.querySelector(".comments__notice");
    if (old) old.remove();
    (form.isConnected && form !== mainForm ? form : mainForm || section).insertAdjacentElement("beforebegin", status);
  }

  function openReply(commentId, quote) {
    if (!mainForm) return;
    var article = document.getElementById("comment-" + commentId);
    if (!article) return;
    var existing = section.querySelector("form[data-reply-form='" + commentId + "']");
    var form = existing || mainForm.cloneNode(true);
    if (!existing) {
      form.setAttribute("data-reply-form", commentId);
      form.classList.add("comment-form--reply");
      form.querySelectorAll("[id]").forEach(function (el) {
        var label = form.querySelector("label[for='" + el.id + "']");
        el.id = el.id + "-reply-" + commentId;
        if (label) label.htmlFor = el.id;
      });
      form.querySelector(".comment-form__errors").textContent = "";
      form.querySelector("input[name=parent]").value = commentId;
      form.querySelector("textarea[name=body]").value = "";
      var cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "button--secondary";
      cancel.textContent = section.getAttribute("data-cancel-label") || "×";
      cancel.addEventListener("click", function () { form.remove(); });
      form.querySelector(".comment-form__actions").appendChild(cancel);
      form.addEventListener("submit", onSubmitComment);
      article.insertAdjacentElement("afterend", form);
    }
    var textarea = form.querySelector("textarea[name=body]");
    var number = (article.querySelector(".comment__number") || { textContent: "" }).textContent.replace(/^No\./, "");
    if (quote) {
      var quoted = quote
        .split(/\r?\n/)
        .map(function (line) { return "> " + line; })
        .join("\n");
      textarea.value = (textarea.value ? textarea.value + "\n" : "") + ">>" + number + "\n" + quoted + "\n";
    }
    textarea.focus();
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
  }

  function voteKind(button) {
    return button.classList.contains("vote--up") ? "up" : "down";
  }

  function updateVotes(box, data) {
    box.querySelectorAll("button.vote").forEach(function (button) {
      var kind = voteKind(button);
      var mine = (kind === "up" && data.value === 1) || (kind === "down" && data.value === -1);
      button.setAttribute("aria-pressed", mine ? "true" : "false");
      button.value = mine ? "clear" : kind;
      if (data.upvotes !== undefined) {
        button.querySelector("[data-count]").textContent = kind === "up" ? data.upvotes : data.downvotes;
      }
    });
  }

  function onVote(event) {
    var button = event.target.closest("button.vote");
    if (!button || !section.contains(button)) return;
    event.preventDefault();
    var box = button.closest("footer");
    var body = new FormData();
    body.set("value", button.value);
    box.querySelectorAll("button.vote").forEach(function (b) { b.disabled = true; });
    fetch(button.formAction, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.ok) updateVotes(box, data);
        else window.alert(data.message);
      })
      .catch(function () { window.alert(section.getAttribute("data-network-error") || "Network error"); })
      .finally(function () {
        box.querySelectorAll("button.vote").forEach(function (b) { b.disabled = false; });
      });
  }

  function addEditLink(item) {
    var article = document.getElementById("comment-" + item.id);
    if (!article || article.querySelector(".comment__edit")) return;
    var link = document.createElement("a");
    link.className = "comment__edit";
    link.href = item.url;
    link.rel = "nofollow";
    link.textContent = section.getAttribute("data-edit-label") || "Edit";
    var actions = article.querySelector("footer");
    if (actions) actions.appendChild(link);
  }

  // This reader's own state, applied to the shared page.
  function applyState(state) {
    Object.keys(state.votes || {}).forEach(function (id) {
      var article = document.getElementById("comment-" + id);
      var box = article && article.querySelector("footer");
      if (box) updateVotes(box, { value: state.votes[id] });
    });
    (state.editable || []).forEach(addEditLink);
    if ((state.held || []).length && mainForm) notice(mainForm, section.getAttribute("data-held-label"));
  }

  function loadState() {
    var article = section.getAttribute("data-article");
    if (!article || !/(?:^|;\s*)kiji_state=/.test(document.cookie)) return;
    fetch("/comments/me/" + article + "/", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(applyState)
      .catch(function () {});
  }

  function enhance(root) {
    if (!mainForm) return; // no form on this page (closed, or a permalink page): plain links
    root.querySelectorAll("a[data-reply]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        openReply(link.getAttribute("data-reply"), "");
      });
    });
    root.querySelectorAll("a[data-reply]").forEach(function (link) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "comment__quote";
      button.setAttribute("data-quote", link.getAttribute("data-reply"));
      button.textContent = section.getAttribute("data-quote-label") || ">";
      link.insertAdjacentElement("afterend", button);
      // Keep the selection: pressing the button must not clear it first.
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () {
        var id = button.getAttribute("data-quote");
        var text = lastSelection.id === id ? lastSelection.text : "";
        if (!text) {
          var body = document.querySelector("#comment-" + id + " .comment__body");
          text = body ? body.innerText.trim() : "";
        }
        openReply(id, text);
      });
    });
  }

  document.addEventListener("selectionchange", function () {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.anchorNode) return;
    var element = selection.anchorNode.nodeType === 1 ? selection.anchorNode : selection.anchorNode.parentElement;
    var body = element && element.closest(".comment__body");
    var article = body && body.closest("article.comment");
    if (article) {
      lastSelection = { id: article.id.replace(/^comment-/, ""), text: selection.toString().trim() };
    }
  });

  // --- Remembered identity and sort, kept in this browser only (the page stays shared) ---------

  function store(key, value) {
    try { if (value) localStorage.setItem(key, value); else localStorage.removeItem(key); } catch (e) {}
  }

  function stored(key) {
    try { return localStorage.getItem(key) || ""; } catch (e) { return ""; }
  }

  function remember(form) {
    ["author_name", "email"].forEach(function (name) {
      var field = form.querySelector("[name=" + name + "]");
      if (field) store("kiji:" + name, field.value.trim());
    });
  }

  function recall() {
    if (mainForm) {
      ["author_name", "email"].forEach(function (name) {
        var field = mainForm.querySelector("[name=" + name + "]");
        if (field && !field.value) field.value = stored("kiji:" + name);
      });
    }
    section.querySelectorAll(".comments__sort a").forEach(function (link) {
      link.addEventListener("click", function () {
        store("kiji:sort", new URL(link.href, location.href).searchParams.get("sort") || "");
      });
    });
    var current = section.querySelector("#comment-threads");
    var wanted = stored("kiji:sort");
    if (wanted && current && !new URLSearchParams(location.search).has("sort") &&
        current.getAttribute("data-sort") !== wanted && /^(old|new|popular)$/.test(wanted)) {
      var url = new URL(location.href);
      url.searchParams.set("sort", wanted);
      location.replace(url.pathname + url.search + (location.hash || "#comments"));
    }
  }

  // --- A character counter that warns before the limit (nothing is cut silently) ------------

  function counter(form) {
    var box = form && form.querySelector("textarea[name=body]");
    if (!box) return;
    var limit = parseInt(box.getAttribute("maxlength") || "0", 10);
    if (!limit) return;
    box.removeAttribute("maxlength"); // a paste beyond it is kept and explained, not cut
    var out = document.createElement("p");
    out.className = "comment-form__counter";
    out.setAttribute("aria-live", "polite");
    box.insertAdjacentElement("afterend", out);
    function update() {
      var used = Array.from(box.value).length;
      out.textContent = used + " / " + limit;
      out.classList.toggle("comment-form__counter--over", used > limit);
      out.classList.toggle("comment-form__counter--near", used > limit * 0.9 && used <= limit);
    }
    box.addEventListener("input", update);
    update();
  }

  // --- The live thread: counts and new comments without a reload ----------------------------

  function shownCount() {
    var title = section.querySelector("#comments-title");
    var match = title && title.textContent.match(/\d+/);
    return match ? parseInt(match[0], 10) : 0;
  }

  function setCount(count) {
    var title = section.querySelector("#comments-title");
    if (title) title.textContent = title.textContent.replace(/\d+/, String(count));
  }

  function highestId() {
    var highest = 0;
    section.querySelectorAll("article.comment[id^=comment-]").forEach(function (article) {
      highest = Math.max(highest, parseInt(article.id.slice(8), 10) || 0);
    });
    return highest;
  }

  // 「新着」 on comments posted since this browser's last visit of the article.
  function markNew() {
    var article = section.getAttribute("data-article");
    if (!article) return;
    var key = "kiji:seen:" + article;
    var seen = parseInt(stored(key) || "0", 10);
    var highest = highestId();
    if (seen) {
      section.querySelectorAll("article.comment[id^=comment-]").forEach(function (node) {
        if ((parseInt(node.id.slice(8), 10) || 0) > seen) badge(node);
      });
    }
    store(key, String(highest));
  }

  function badge(article) {
    var header = article.querySelector("header");
    if (!header || header.querySelector(".comment__new")) return;
    var mark = document.createElement("span");
    mark.className = "comment__new";
    mark.textContent = section.getAttribute("data-new-label") || "New";
    header.insertBefore(mark, header.firstChild);
  }

  function live() {
    var article = section.getAttribute("data-article");
    if (!article || !("visibilityState" in document)) return;
    var version = section.getAttribute("data-version") || "0";
    var base = 15000, delay = base, timer = null, waiting = [];
    var bar = document.createElement("button");
    bar.type = "button";
    bar.className = "comments__live";
    bar.hidden = true;
    bar.setAttribute("aria-live", "polite");
    var threads = section.querySelector("#comment-threads");
    if (!threads) return;
    threads.insertAdjacentElement("beforebegin", bar);
    bar.addEventListener("click", function () {
      waiting.forEach(function (item) {
        if (!document.getElementById("comment-" + item.id)) {
          insertComment(item, true);
          var node = document.getElementById("comment-" + item.id);
          if (node) badge(node);
        }
      });
      waiting = [];
      bar.hidden = true;
      store("kiji:seen:" + article, String(highestId()));
    });

    function apply(data) {
      if (data.v !== undefined) version = String(data.v);
      if (!data.counts) return false;
      Object.keys(data.counts).forEach(function (id) {
        var node = document.getElementById("comment-" + id);
        var box = node && node.querySelector("footer");
        if (box) updateVotes(box, { upvotes: data.counts[id][0], downvotes: data.counts[id][1], value: currentVote(box) });
      });
      if (data.count !== undefined) setCount(data.count);
      if (data.reload) {
        bar.textContent = section.getAttribute("data-reload-label");
        bar.hidden = false;
        bar.onclick = function () { location.reload(); };
        return true;
      }
      (data.new || []).forEach(function (item) {
        if (!document.getElementById("comment-" + item.id) &&
            !waiting.some(function (w) { return w.id === item.id; })) waiting.push(item);
      });
      if (waiting.length) {
        bar.textContent = (section.getAttribute("data-live-label") || "#").replace("#", waiting.length);
        bar.hidden = false;
      }
      return true;
    }

    function poll() {
      timer = null;
      if (document.visibilityState !== "visible") return;
      var url = "/comments/changes/" + article + "/?v=" + encodeURIComponent(version) + "&after=" + highestId();
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : {}; })
        .then(function (data) {
          var changed = apply(data);
          delay = changed ? base : Math.min(delay * 2, 120000); // back off while nothing happens
        })
        .catch(function () { delay = Math.min(delay * 2, 120000); })
        .finally(schedule);
    }

    function schedule() {
      if (!timer && document.visibilityState === "visible") timer = setTimeout(poll, delay);
    }

    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") { delay = base; schedule(); }
      else if (timer) { clearTimeout(timer); timer = null; }
    });
    var interval = parseInt(section.getAttribute("data-live-interval") || "0", 10);
    if (interval) base = delay = interval;
    schedule();
  }

  function currentVote(box) {
    var pressed = box.querySelector("button.vote[aria-pressed=true]");
    if (!pressed) return 0;
    return pressed.classList.contains("vote--up") ? 1 : -1;
  }

  // >>N whose comment is not shown (hidden, or no such number): plain text, not a dead link.
  section.querySelectorAll("a.comment__ref").forEach(function (link) {
    var target = link.getAttribute("href") || "";
    if (target.charAt(0) === "#" && !document.getElementById(target.slice(1))) {
      link.replaceWith(document.createTextNode(link.textContent));
    }
  });

  if (mainForm) mainForm.addEventListener("submit", onSubmitComment);
  section.addEventListener("click", onVote);
  enhance(section);
  loadState();
  recall();
  markNew();
  counter(mainForm);
  live();
})();
