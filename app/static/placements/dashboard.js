/* Staff dashboard charts (Chart.js, vendored in static/vendor/chartjs). Data comes from the JSON block
   #dashboard-data rendered by app/dashboard.py, so the page works offline and under a strict CSP. */
(function () {
  "use strict";
  var node = document.getElementById("dashboard-data");
  if (!node || typeof Chart === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var palette = ["#2f6fde", "#e0692b", "#2a9d63", "#b8409a", "#c9a227", "#4aa7c9", "#7b5ccf", "#d9534f",
                 "#5d8a3a", "#8c6d46", "#3c4f76", "#e58fb1"];

  function bar(id, labels, datasets, horizontal) {
    var el = document.getElementById(id);
    if (!el) { return; }
    new Chart(el, {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: { indexAxis: horizontal ? "y" : "x", responsive: true, animation: false,
                 scales: { x: { beginAtZero: true }, y: { beginAtZero: true } } }
    });
  }

  bar("chart-per-month", data.per_month.labels,
      [{ label: "新增就业", data: data.per_month.values, backgroundColor: palette[0] }]);

  var cohorts = document.getElementById("chart-cohorts");
  if (cohorts) {
    new Chart(cohorts, {
      type: "line",
      data: {
        labels: data.cohorts.milestones.map(function (m) { return m + "个月"; }),
        datasets: data.cohorts.series.map(function (s, i) {
          return { label: s.label + "入职", data: s.values.map(function (v) { return v === null ? null : v * 100; }),
                   borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length],
                   spanGaps: false, tension: 0.2 };
        })
      },
      options: { responsive: true, animation: false,
                 scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } },
                 plugins: { tooltip: { callbacks: { label: function (c) {
                   return c.dataset.label + "：" + (c.parsed.y === null ? "—" : c.parsed.y.toFixed(0) + "%"); } } } } }
    });
  }

  function breakdown(id, part) {
    bar(id, part.labels, [
      { label: "就业", data: part.placed, backgroundColor: palette[0] },
      { label: "在岗", data: part.working, backgroundColor: palette[2] },
      { label: "稳定3个月", data: part.stable_3, backgroundColor: palette[1] }
    ], true);
  }
  breakdown("chart-county", data.by_county);
  breakdown("chart-city", data.by_city);
})();
