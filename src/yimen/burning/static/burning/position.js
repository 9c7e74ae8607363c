/* Field forms: ask the phone for its position (the page's Permissions-Policy allows it)
   and put it in the hidden fields, or in the fields named by data-fill. No inline script. */
(function () {
  "use strict";
  function fill() {
    var form = document.querySelector("form[data-position]");
    if (!form || !navigator.geolocation) { return; }
    var names = (form.getAttribute("data-fill") || "id_device_lon id_device_lat").split(" ");
    var lon = document.getElementById(names[0]);
    var lat = document.getElementById(names[1]);
    if (!lon || !lat || lon.value) { return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      lon.value = pos.coords.longitude.toFixed(6);
      lat.value = pos.coords.latitude.toFixed(6);
      var state = document.getElementById("position-state");
      if (state) { state.setAttribute("data-found", "1"); }
    }, function () { /* no position: the server flags photos without one */ },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }
  document.addEventListener("DOMContentLoaded", fill);
})();
