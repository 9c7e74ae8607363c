/* Straw-burning statistics: per day and counties ranked; data from the JSON island. */
(function () {
  "use strict";
  function draw() {
    var island = document.getElementById("burning-chart");
    if (!island || typeof echarts === "undefined") { return; }
    var data = JSON.parse(island.textContent);
    var keys = ["detections", "cases", "straw", "late"];
    var days = document.getElementById("chart-days");
    if (days) {
      echarts.init(days).setOption({
        tooltip: { trigger: "axis" },
        legend: { bottom: 0, data: keys.map(function (k) { return data.labels[k]; }) },
        xAxis: { type: "category", data: data.days },
        yAxis: { type: "value", minInterval: 1 },
        series: keys.map(function (k) {
          return { name: data.labels[k], type: k === "detections" ? "bar" : "line", data: data.series[k] };
        })
      });
    }
    var counties = document.getElementById("chart-counties");
    if (counties && data.ranking.length) {
      echarts.init(counties).setOption({
        tooltip: {},
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: data.ranking.map(function (r) { return r.county; }) },
        series: [{ name: data.labels.detections, type: "bar", data: data.ranking.map(function (r) { return r.n; }) }]
      });
    }
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
