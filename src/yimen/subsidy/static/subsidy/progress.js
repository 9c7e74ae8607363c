/* The programme progress chart; data from the JSON island #subsidy-chart (no inline script). */
(function () {
  "use strict";
  function draw() {
    var island = document.getElementById("subsidy-chart");
    var box = document.getElementById("chart-progress");
    if (!island || !box || typeof echarts === "undefined") { return; }
    var data = JSON.parse(island.textContent);
    echarts.init(box).setOption({
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      xAxis: { type: "category", data: data.stages },
      yAxis: { type: "value" },
      series: data.series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; })
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
