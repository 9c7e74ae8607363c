/* The exam statistics chart; data from the JSON island #exam-chart (no inline script). */
(function () {
  "use strict";
  function draw() {
    var island = document.getElementById("exam-chart");
    var box = document.getElementById("chart-months");
    if (!island || !box || typeof echarts === "undefined") { return; }
    var data = JSON.parse(island.textContent);
    var keys = ["sessions", "candidates", "passed", "certified"];
    echarts.init(box).setOption({
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, data: keys.map(function (k) { return data.labels[k]; }) },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", minInterval: 1 },
      series: keys.map(function (k) { return { name: data.labels[k], type: "bar", data: data.series[k] }; })
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
