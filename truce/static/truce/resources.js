// Capacity calendar chart: scheduled utilisation per pool and period (Plotly, served locally).
(function () {
  "use strict";
  // Plotly reads <b>, <a href>, <span style> … in any text it draws: names go in as text.
  function plain(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function draw() {
    var holder = document.getElementById("calendar-chart");
    var source = document.getElementById("calendar-chart-data");
    if (!holder || !source || !window.Plotly) { return; }
    var data = JSON.parse(source.textContent);
    var traces = data.pools.map(function (pool) {
      return { type: "bar", name: plain(pool.name), x: data.labels, y: pool.values,
        hovertemplate: "%{x}: %{y}%<extra>%{fullData.name}</extra>" };
    });
    traces.push({ type: "scatter", mode: "lines", name: holder.dataset.capacity,
      x: data.labels, y: data.labels.map(function () { return 100; }),
      line: { dash: "dash", color: "#b91c1c" }, hoverinfo: "skip" });
    var layout = { barmode: "group", height: 340, margin: { t: 16, r: 16, b: 40, l: 56 },
      yaxis: { title: { text: holder.dataset.axis }, rangemode: "tozero" },
      legend: { orientation: "h" } };
    window.Plotly.newPlot(holder, traces, layout, { displayModeBar: false, responsive: true });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); }
  else { draw(); }
})();
