// Draws the guarantee fund's charts from the page's JSON (json_script "fund-charts").
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("fund-charts");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var label = data.labels;
  function draw(id, option) {
    var node = document.getElementById(id);
    if (!node) { return; }
    var chart = window.echarts.init(node, null, { renderer: "svg" });
    chart.setOption(Object.assign({ tooltip: { trigger: "axis" }, legend: {}, animation: false }, option));
    window.addEventListener("resize", function () { chart.resize(); });
  }
  draw("chart-balance", {
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value" },
    series: [{ name: label.balance, type: "line", data: data.balance }]
  });
  draw("chart-flows", {
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value" },
    series: [
      { name: label.inflows, type: "bar", data: data.inflows },
      { name: label.outflows, type: "bar", data: data.outflows }
    ]
  });
  draw("chart-cap", {
    xAxis: { type: "category", data: data.projects },
    yAxis: { type: "value" },
    series: [
      { name: label.used, type: "bar", data: data.used },
      { name: label.cap, type: "bar", data: data.cap }
    ]
  });
  draw("chart-due", {
    xAxis: { type: "category", data: data.projects },
    yAxis: { type: "value" },
    series: [{ name: label.due, type: "bar", data: data.due }]
  });
});
