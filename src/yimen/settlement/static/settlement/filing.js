/* Filing forms: the city list shows only the cities of the chosen province. Without
   script the list keeps every city grouped by province, and the server refuses a city
   outside the province; no inline script, as the CSP requires. */
(function () {
  "use strict";
  function link(city) {
    var form = city.form;
    var province = form && form.elements[city.getAttribute("data-province-select")];
    if (!province) { return; }
    function sync() {
      var chosen = province.options[province.selectedIndex];
      var label = chosen && chosen.value ? chosen.text : null;
      var groups = city.getElementsByTagName("optgroup");
      for (var i = 0; i < groups.length; i++) {
        var shown = label === null || groups[i].label === label;
        groups[i].hidden = !shown;
        groups[i].disabled = !shown;
      }
      var picked = city.options[city.selectedIndex];
      if (picked && picked.parentNode.tagName === "OPTGROUP" && picked.parentNode.disabled) {
        city.value = "";
      }
    }
    province.addEventListener("change", sync);
    sync();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var cities = document.querySelectorAll("select[data-province-select]");
    for (var i = 0; i < cities.length; i++) { link(cities[i]); }
  });
})();
