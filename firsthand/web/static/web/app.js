// firsthand's own small behaviours. No inline scripts anywhere: the
// Content-Security-Policy allows scripts from our static files only.
(function () {
  "use strict";

  // <button data-copy="#input-id">: copy the input's value, say so on the button.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var input = document.querySelector(button.getAttribute("data-copy"));
    if (!input) return;
    var done = function () {
      var label = button.lastChild;
      var before = label.textContent;
      label.textContent = "Copied";
      button.classList.add("copied");
      setTimeout(function () { label.textContent = before; button.classList.remove("copied"); }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () { input.select(); });
    } else {
      input.select();
      try { document.execCommand("copy"); done(); } catch (e) { /* selected: the person copies by hand */ }
    }
  });

  // <form data-confirm="...">: ask before a destructive action.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // <button data-remove="#id">: take that element out of the page (e.g. an image from a post).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove], [data-remove-self]");
    if (!button) return;
    var target = button.hasAttribute("data-remove-self")
      ? button.closest("li")
      : document.querySelector(button.getAttribute("data-remove"));
    var form = button.closest("form");
    if (target) target.remove();
    if (form) form.dispatchEvent(new Event("change", { bubbles: true }));
  });

  // After images are uploaded, clear the file box so the same file can be chosen again.
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.target.matches && event.target.matches("input[type=file]")) event.target.value = "";
  });

  // Calendar: drag a scheduled post to another day (same time of day). On a phone, tap it and use Reschedule.
  var dragged = null;
  document.addEventListener("dragstart", function (event) {
    dragged = event.target.closest && event.target.closest("[data-reschedule]");
    if (dragged) event.dataTransfer.effectAllowed = "move";
  });
  document.addEventListener("dragover", function (event) {
    var day = dragged && event.target.closest("[data-day]");
    if (day) { event.preventDefault(); day.classList.add("drop-target"); }
  });
  document.addEventListener("dragleave", function (event) {
    var day = event.target.closest && event.target.closest("[data-day]");
    if (day) day.classList.remove("drop-target");
  });
  document.addEventListener("drop", function (event) {
    var day = dragged && event.target.closest("[data-day]");
    if (!day) return;
    event.preventDefault();
    day.classList.remove("drop-target");
    var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    headers["X-Requested-With"] = "fetch";
    var body = new FormData();
    body.append("day", day.getAttribute("data-day"));
    body.append("at", dragged.getAttribute("data-time"));
    fetch(dragged.getAttribute("data-reschedule"), { method: "POST", headers: headers, body: body, credentials: "same-origin" })
      .then(function (response) {
        if (response.ok) { window.location.reload(); return; }
        return response.text().then(function (reason) { window.alert(reason || "That post could not be moved."); });
      });
    dragged = null;
  });

  // Undo bars count down to the moment a post goes out.
  function tick() {
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      var left = Math.round((Date.parse(el.getAttribute("data-deadline")) - Date.now()) / 1000);
      el.textContent = left > 0 ? "in " + left + " s" : "now";
    });
  }
  tick();
  setInterval(tick, 1000);

  // <button data-insert="#textarea" data-text="...">: put a snippet into a post where the cursor is, with a
  // space or a new line between it and the words around it; the input event lets the live check count it.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-insert]");
    if (!button) return;
    var target = document.querySelector(button.getAttribute("data-insert"));
    if (!target) return;
    var text = button.getAttribute("data-text");
    var start = target.selectionStart == null ? target.value.length : target.selectionStart;
    var end = target.selectionEnd == null ? start : target.selectionEnd;
    var before = target.value.slice(0, start), after = target.value.slice(end);
    var gap = text.indexOf("\n") >= 0 || /^#/.test(text) ? "\n\n" : " ";
    if (before && !/\s$/.test(before)) text = (/^#/.test(text) && !/\n$/.test(before) ? gap : " ") + text;
    if (after && !/^\s/.test(after)) text = text + " ";
    target.value = before + text + after;
    target.focus();
    target.setSelectionRange(before.length + text.length, before.length + text.length);
    target.dispatchEvent(new Event("input", { bubbles: true }));
    var menu = button.closest("details");
    if (menu) menu.removeAttribute("open");
  });

  // <button data-fill="#textarea" data-text="...">: put a saved reply into the answer box, ready to edit.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-fill]");
    if (!button) return;
    var target = document.querySelector(button.getAttribute("data-fill"));
    if (!target) return;
    target.value = button.getAttribute("data-text");
    target.focus();
    var menu = button.closest("details");
    if (menu) menu.removeAttribute("open");
  });

  // Keyboard shortcuts on desktop. [data-key="r"] elements answer to that key: a form is sent, a field
  // is focused, a link is followed. j and k move through the rows of a [data-key-list].
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    var typing = event.target.closest && event.target.closest("input, textarea, select, [contenteditable]");
    if (typing) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    var list = document.querySelector("[data-key-list]");
    if (list && (event.key === "j" || event.key === "k")) {
      var rows = Array.prototype.slice.call(list.querySelectorAll(list.getAttribute("data-key-list")));
      if (!rows.length) return;
      var at = rows.indexOf(document.activeElement);
      var next = event.key === "j" ? Math.min(at + 1, rows.length - 1) : Math.max(at - 1, 0);
      rows[next].focus();
      event.preventDefault();
      return;
    }
    var target = document.querySelector('[data-key="' + event.key + '"]');
    if (!target) return;
    event.preventDefault();
    if (target.tagName === "FORM") target.requestSubmit();
    else if (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) target.focus();
    else target.click();
  });

  // <div data-refresh-with="#form" data-query="...">: a list that refreshes itself asks with the query its
  // filter form last sent (filters, search, tab), or the page's own (with its page number) until then.
  // Read from the form as it sends, not from the address bar, which htmx updates only after the swap.
  // The row that had the keyboard's focus (j, k) keeps it across the refresh.
  var focusedRow = null;
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt.getAttribute) return;
    if (elt.tagName === "FORM" && elt.id) {
      document.querySelectorAll('[data-refresh-with="#' + elt.id + '"]').forEach(function (list) {
        list.setAttribute("data-query", new URLSearchParams(event.detail.formData).toString());
      });
    } else if (elt.hasAttribute("data-refresh-with")) {
      var query = elt.getAttribute("data-query");
      event.detail.path = event.detail.path.split("?")[0] + (query ? "?" + query : "");
    }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    // A refresh asked before a newer filter or search, and answered after it, would put the old list back:
    // its answer is dropped (the next refresh asks with the new query).
    var config = event.detail.requestConfig;
    var source = config && config.elt;
    if (source && source.hasAttribute && source.hasAttribute("data-refresh-with")) {
      var asked = (config.path || "").split("?")[1] || "";
      if (asked !== (source.getAttribute("data-query") || "")) {
        event.detail.shouldSwap = false;
        return;
      }
    }
    var list = event.detail.target;
    var active = document.activeElement;
    focusedRow = list && active && list.contains(active) && active.getAttribute("href") ? active.getAttribute("href") : null;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!focusedRow) return;
    var rows = event.detail.target.querySelectorAll("[href]");
    for (var n = 0; n < rows.length; n++) {
      if (rows[n].getAttribute("href") === focusedRow) { rows[n].focus({ preventScroll: true }); break; }
    }
    focusedRow = null;
  });

  // <textarea data-send-shortcut>: Ctrl+Enter (Cmd+Enter on a Mac) sends its form with the main button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    var field = event.target.closest && event.target.closest("textarea[data-send-shortcut]");
    if (!field || !field.form) return;
    event.preventDefault();
    var buttons = field.form.querySelectorAll("button[type=submit]:not([name])");
    field.form.requestSubmit(buttons.length ? buttons[buttons.length - 1] : undefined);
  });

  // Close an open <details> menu when clicking elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.switcher[open], details.tab-more[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });

  // The installable app's service worker (the offline page; see web/installable.py). Only over HTTPS or
  // on this machine, as browsers allow.
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function (error) {
      console.warn("firsthand: the offline page is not available here:", error);
    });
  }
})();
