/* County supervision dashboard: draws the ECharts charts from the JSON the page embeds
   (json_script "dashboard-data"), the same numbers as its tables. No inline script: the
   Content-Security-Policy forbids it. */
(function () {
  "use strict";

  function draw(id, option) {
    var node = document.getElementById(id);
    if (!node || typeof echarts === "undefined") { return null; }
    var chart = echarts.init(node, null, { renderer: "canvas" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  function series(data, field, kind) {
    return data.funds.map(function (f) {
      return {
        name: f.type, type: kind, stack: kind === "bar" ? "total" : undefined,
        data: f[field].map(Number)
      };
    });
  }

  function start() {
    var holder = document.getElementById("dashboard-data");
    if (!holder) { return; }
    var data = JSON.parse(holder.textContent);
    var legend = { top: 0 };
    var grid = { left: 60, right: 20, top: 40, bottom: 30 };
    draw("chart-households", {
      tooltip: { trigger: "axis" }, legend: legend, grid: grid,
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", name: data.labels.households },
      series: series(data, "households", "line")
    });
    draw("chart-funds", {
      tooltip: { trigger: "axis" }, legend: legend, grid: grid,
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", name: data.labels.amount },
      series: series(data, "amount", "bar")
    });
    draw("chart-status", {
      tooltip: { trigger: "axis" }, legend: legend, grid: grid,
      xAxis: { type: "category", data: data.divisions },
      yAxis: { type: "value" },
      series: data.statuses.map(function (s) {
        return { name: s.label, type: "bar", stack: "status", data: s.counts };
      })
    });
    draw("chart-decisions", {
      tooltip: { trigger: "axis" }, legend: legend, grid: { left: 60, right: 60, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.divisions },
      yAxis: [
        { type: "value", name: "%", max: 100 },
        { type: "value", name: data.labels.median_days }
      ],
      series: [
        { name: data.labels.approval_rate, type: "bar",
          data: data.approval_rate.map(function (v) { return v === null ? null : Number(v); }) },
        { name: data.labels.median_days, type: "line", yAxisIndex: 1,
          data: data.median_days.map(function (v) { return v === null ? null : Number(v); }) }
      ]
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
