// Key-result history chart: check-ins against the straight target path (Plotly, served locally).
(function () {
  "use strict";
  // Plotly reads <b>, <a href>, <span style> … in any text it draws: names go in as text.
  function plain(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function draw() {
    var holder = document.getElementById("kr-chart");
    var source = document.getElementById("kr-chart-data");
    if (!holder || !source || !window.Plotly) { return; }
    var data = JSON.parse(source.textContent);
    var traces = [
      { x: data.target.x, y: data.target.y, name: holder.dataset.labelTarget, mode: "lines",
        line: { dash: "dash", color: "#888" } },
      { x: data.actual.x, y: data.actual.y, name: holder.dataset.labelActual,
        mode: "lines+markers", line: { color: "#2563eb" } }
    ];
    var layout = { height: 320, margin: { t: 16, r: 16, b: 40, l: 56 },
      yaxis: { title: { text: plain(data.unit || "") } }, legend: { orientation: "h" } };
    window.Plotly.newPlot(holder, traces, layout, { displayModeBar: false, responsive: true });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); }
  else { draw(); }
})();
