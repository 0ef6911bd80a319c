// Planning charts: utilisation per pool and period (bars) and the product/operations
// trade-off (scatter; clicking a point adopts it). Plotly is served locally; data comes from a
// json_script element. Drawn on load and again whenever htmx swaps in a finished run.
(function () {
  "use strict";
  var PRODUCT = "#2f5bd3", OPERATIONS = "#d9731a";
  // Plotly reads <b>, <a href>, <span style> … in any text it draws: names go in as text.
  function plain(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function utilisation(holder, data) {
    var traces = data.utilisation.map(function (bar) {
      return { type: "bar", name: bar.name, x: bar.x.map(plain), y: bar.y,
        text: bar.text.map(plain),
        hovertemplate: "%{x} · " + bar.name + "<br>%{y}% (%{text})<extra></extra>",
        textposition: "none" };
    });
    var layout = { barmode: "group", height: 320, margin: { t: 40, r: 16, b: 48, l: 56 },
      yaxis: { title: { text: holder.dataset.labelY }, rangemode: "tozero" },
      shapes: [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: 100, y1: 100,
        line: { dash: "dash", color: "#c0362c", width: 1 } }],
      legend: { orientation: "h", y: 1.15 } };
    window.Plotly.newPlot(holder, traces, layout, { displayModeBar: false, responsive: true });
  }

  function pareto(holder, data) {
    var p = data.pareto;
    var traces = [
      { type: "scatter", mode: "lines+markers", name: holder.dataset.labelPoints, x: p.x, y: p.y,
        customdata: p.x.map(function (_, i) { return i; }),
        marker: { size: 11, color: PRODUCT }, line: { color: "#9db0e6", shape: "hv" },
        hovertemplate: "%{y:.1f} / %{x:.1f}<extra></extra>" },
      { type: "scatter", mode: "markers", name: holder.dataset.labelCurrent,
        x: [p.current[0]], y: [p.current[1]], hoverinfo: "skip",
        marker: { size: 18, symbol: "star", color: OPERATIONS } },
      { type: "scatter", mode: "markers", name: holder.dataset.labelBaseline,
        x: [p.baseline[0]], y: [p.baseline[1]], hoverinfo: "skip",
        marker: { size: 12, symbol: "x", color: "#5b6478" } }
    ];
    var layout = { height: 320, margin: { t: 40, r: 16, b: 48, l: 56 }, hovermode: "closest",
      xaxis: { title: { text: holder.dataset.labelX } },
      yaxis: { title: { text: holder.dataset.labelY } }, legend: { orientation: "h", y: 1.18 } };
    window.Plotly.newPlot(holder, traces, layout, { displayModeBar: false, responsive: true });
    var form = document.getElementById("adopt-form");
    if (!form) { return; }
    holder.on("plotly_click", function (event) {
      var point = event.points && event.points[0];
      if (!point || point.curveNumber !== 0) { return; }
      var button = form.querySelector("button[name=point][value='" + point.customdata + "']");
      if (button) { button.click(); }
    });
  }

  function draw(root) {
    var source = (root || document).querySelector("#planning-charts");
    if (!source || !window.Plotly) { return; }
    var data = JSON.parse(source.textContent);
    var bars = document.getElementById("utilisation-chart");
    var scatter = document.getElementById("pareto-chart");
    if (bars) { utilisation(bars, data); }
    if (scatter) { pareto(scatter, data); }
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "run") { draw(document); }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  } else { draw(document); }
})();
