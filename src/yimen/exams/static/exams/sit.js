/* The exam page: every answer is posted as it is given; the countdown shows the server's
   time left (from the page and each save) and the page reloads at zero, when the server
   has submitted the paper. No inline script, as the CSP requires. */
(function () {
  "use strict";
  function csrf() {
    var m = document.cookie.match(/csrftoken=([^;]+)/);
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : (m ? m[1] : "");
  }
  function start() {
    var form = document.getElementById("paper");
    if (!form) { return; }
    var clock = document.getElementById("left");
    var left = parseInt(form.dataset.left, 10);
    var url = form.dataset.save;
    var deadline = Date.now() + left * 1000;
    function tick() {
      var s = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      clock.textContent = Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
      if (s <= 0) { window.location.reload(); return; }
      window.setTimeout(tick, 1000);
    }
    tick();
    form.addEventListener("change", function (event) {
      var box = event.target.closest("fieldset");
      if (!box) { return; }
      var chosen = [];
      box.querySelectorAll("input:checked").forEach(function (i) { chosen.push(parseInt(i.value, 10)); });
      var mark = box.querySelector(".saved");
      mark.textContent = "…";
      fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ position: parseInt(box.dataset.position, 10), chosen: chosen })
      }).then(function (r) { return r.json(); }).then(function (data) {
        if (data.saved) {
          mark.textContent = mark.dataset.ok;
          deadline = Date.now() + data.left * 1000;
        } else if (data.closed) {
          window.location.reload();
        } else { mark.textContent = mark.dataset.fail; }
      }).catch(function () { mark.textContent = mark.dataset.fail; });
    });
  }
  document.addEventListener("DOMContentLoaded", start);
})();
