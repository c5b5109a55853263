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

  // Close an open <details> menu when clicking elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.switcher[open], details.tab-more[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
})();
