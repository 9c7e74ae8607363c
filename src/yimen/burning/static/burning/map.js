/* The fire-point map: the county's grids (our own GeoJSON, registered with the vendored
   ECharts; no tiles) coloured by zone, the day's points on top; a click opens the case. */
(function () {
  "use strict";
  var ZONE_COLOURS = { ban: "#f4c7c3", limited: "#fde9b8" };
  function draw(box, data) {
    var note = document.getElementById("map-note");
    if (!data.grids.features.length) { note.textContent = box.getAttribute("data-empty"); return; }
    if (data.synthetic) { note.textContent = box.getAttribute("data-synthetic"); }
    echarts.registerMap("burning-grids", data.grids);
    var labels = {};
    var regions = data.grids.features.map(function (f) {
      labels[f.properties.name] = f.properties.label + " · " + (data.zones[f.properties.zone] || "");
      return { name: f.properties.name, itemStyle: { areaColor: ZONE_COLOURS[f.properties.zone] || "#eee" } };
    });
    var chart = echarts.init(box);
    chart.setOption({
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          if (p.seriesType === "scatter") {
            var d = p.data;
            return (d.case || "—") + "<br>" + d.source + " " + (d.time || "") + " " + (d.confidence || "");
          }
          return labels[p.name] || p.name;
        }
      },
      geo: {
        map: "burning-grids", roam: true, regions: regions,
        itemStyle: { borderColor: "#777", borderWidth: 0.6 },
        emphasis: { label: { show: false }, itemStyle: { areaColor: "#cfe3ff" } }
      },
      series: [{
        type: "scatter", coordinateSystem: "geo", symbolSize: 11,
        itemStyle: { color: "#c62828", borderColor: "#fff", borderWidth: 1 },
        data: data.points.map(function (p) {
          return { value: [p.lon, p.lat], case: p.case, url: p.url, source: p.source, time: p.time, confidence: p.confidence };
        })
      }]
    });
    chart.on("click", function (p) {
      if (p.seriesType === "scatter" && p.data.url) { window.location.href = p.data.url; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("burning-map");
    if (!box || typeof echarts === "undefined") { return; }
    fetch(box.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { draw(box, data); });
  });
})();
