/* Charts of the settlement indicators page. Data comes from the JSON island
   #indicator-data (json_script); no inline script, as the CSP requires. */
(function () {
  "use strict";
  function draw() {
    var island = document.getElementById("indicator-data");
    if (!island || typeof echarts === "undefined") { return; }
    var data = JSON.parse(island.textContent);
    var L = data.labels;
    var daily = echarts.init(document.getElementById("chart-daily"));
    daily.setOption({
      title: { text: L.title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, data: [L.outbound, L.inbound] },
      xAxis: { type: "category", data: data.days },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: L.outbound, type: "line", data: data.outbound, smooth: true },
        { name: L.inbound, type: "line", data: data.inbound, smooth: true }
      ]
    });
    var money = echarts.init(document.getElementById("chart-money"));
    money.setOption({
      title: { text: L.money, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, data: [L.medfee, L.fund] },
      xAxis: { type: "category", data: [L.outbound, L.inbound] },
      yAxis: { type: "value" },
      series: [
        { name: L.medfee, type: "bar", data: [data.money.outbound[0], data.money.inbound[0]] },
        { name: L.fund, type: "bar", data: [data.money.outbound[1], data.money.inbound[1]] }
      ]
    });
    window.addEventListener("resize", function () { daily.resize(); money.resize(); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else { draw(); }
})();
