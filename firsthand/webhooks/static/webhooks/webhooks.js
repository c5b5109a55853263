// Settings → Webhooks: "Choose all" ticks every event box (a convenience: the form works without it).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-check-all]");
    if (!button) return;
    var boxes = document.querySelectorAll('input[type="checkbox"][name="' + button.getAttribute("data-check-all") + '"]');
    var all = Array.prototype.every.call(boxes, function (box) { return box.checked; });
    boxes.forEach(function (box) { box.checked = !all; });
  });
})();
