// Collaboration-health trends: one small Plotly line per measure (served locally).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("health-data");
    if (!source || !window.Plotly) { return; }
    var data = JSON.parse(source.textContent);
    var byKey = {};
    data.measures.forEach(function (m) { byKey[m.key] = m; });
    document.querySelectorAll(".health-chart").forEach(function (holder) {
      var m = byKey[holder.dataset.measure];
      if (!m) { return; }
      var share = m.unit === "share";
      var trace = {
        x: data.weeks, y: m.values.map(function (v) { return v === null ? null : (share ? v * 100 : v); }),
        type: m.unit === "count" ? "bar" : "scatter", mode: "lines+markers", connectgaps: false,
        marker: { color: "#2563eb" }, hovertemplate: "%{x}: %{y}" + (share ? "%" : "") + "<extra></extra>"
      };
      var layout = { height: 180, margin: { t: 8, r: 8, b: 32, l: 40 }, showlegend: false,
        xaxis: { type: "date", tickformat: "%m-%d" },
        yaxis: share ? { range: [0, 100], ticksuffix: "%" } : { rangemode: "tozero" } };
      window.Plotly.newPlot(holder, [trace], layout, { displayModeBar: false, responsive: true });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); }
  else { draw(); }
})();
