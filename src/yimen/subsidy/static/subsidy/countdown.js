/* The deadline countdown: every element with data-deadline (an ISO instant) shows the days,
   hours and minutes left, or the closed text at zero. No inline script, as the CSP requires. */
(function () {
  "use strict";
  function tick() {
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var left = Math.floor((Date.parse(el.dataset.deadline) - Date.now()) / 1000);
      if (left <= 0) { el.textContent = el.dataset.closed; return; }
      var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600),
          m = Math.floor(left % 3600 / 60), s = left % 60;
      el.textContent = el.dataset.format.replace("D", d).replace("H", h).replace("M", m).replace("S", s);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { tick(); window.setInterval(tick, 1000); });
})();
