// Launch timeline (Plotly, served locally): bars for launches and campaigns, markers for
// milestones, a line for today. Zoom by dragging; double-click resets.
(function () {
  "use strict";
  var DAY = 86400000;
  // Plotly reads <b>, <a href>, <span style> … in any text it draws: names go in as text.
  function plain(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function draw() {
    var holder = document.getElementById("launch-timeline");
    var source = document.getElementById("launch-timeline-data");
    if (!holder || !source || !window.Plotly) { return; }
    var data = JSON.parse(source.textContent);
    if (!data.bars.length) { holder.hidden = true; return; }
    var rows = data.bars.map(function (b) { return b.label; });
    function bars(kind, color) {
      var mine = data.bars.filter(function (b) { return b.kind === kind; });
      return {
        type: "bar", orientation: "h", name: data.labels[kind], marker: { color: color },
        y: mine.map(function (b) { return plain(b.label); }),
        base: mine.map(function (b) { return b.start; }),
        x: mine.map(function (b) { return Math.max(DAY, new Date(b.end) - new Date(b.start) + DAY); }),
        hovertext: mine.map(function (b) { return plain(b.label) + ": " + b.start + " → " + b.end; }),
        hoverinfo: "text"
      };
    }
    var milestones = {
      type: "scatter", mode: "markers", name: data.labels.milestone,
      y: data.points.map(function (p) { return plain(p.label); }),
      x: data.points.map(function (p) { return p.date; }),
      marker: { symbol: "diamond", size: 10,
        color: data.points.map(function (p) { return p.done ? "#16a34a" : "#111827"; }) },
      hovertext: data.points.map(function (p) { return plain(p.name) + " · " + p.date; }),
      hoverinfo: "text"
    };
    var today = new Date().toISOString().slice(0, 10);
    var layout = {
      height: Math.max(260, 36 * rows.length + 80), barmode: "overlay",
      margin: { t: 16, r: 16, b: 40, l: 220 },
      xaxis: { type: "date" }, yaxis: { autorange: "reversed", automargin: true },
      legend: { orientation: "h" },
      shapes: [{ type: "line", x0: today, x1: today, yref: "paper", y0: 0, y1: 1,
        line: { color: "#dc2626", dash: "dot" } }],
      annotations: [{ x: today, yref: "paper", y: 1, text: data.labels.today, showarrow: false }]
    };
    window.Plotly.newPlot(holder, [bars("launch", "#2563eb"), bars("campaign", "#f59e0b"), milestones],
      layout, { displayModeBar: true, responsive: true, displaylogo: false });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); }
  else { draw(); }
})();
