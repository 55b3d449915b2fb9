// The forecast plot: cumulative adopters seen, the forecast and its 90 % interval (uPlot).
"use strict";
(function () {
  const box = document.getElementById("forecast-plot");
  if (!box || !window.uPlot) return;
  const d = window.salon.data(box.dataset.source);
  const width = Math.max(320, box.clientWidth - 16);
  const opts = {
    width, height: 360,
    scales: { x: { time: false } },
    axes: [{ label: d.period + "s since the first adoption" }, { label: "adopters (cumulative)" }],
    series: [
      { label: d.period },
      { label: "seen", stroke: "#1d2430", width: 2 },
      { label: "forecast", stroke: "#2f5fb3", width: 2, dash: [6, 4], points: { show: true, size: 7 } },
      { label: "90 % low", stroke: "#8fb3ff", width: 1 },
      { label: "90 % high", stroke: "#8fb3ff", width: 1 },
    ],
    bands: [{ series: [4, 3], fill: "rgba(47, 95, 179, 0.12)" }],
    cursor: { drag: { x: true, y: false } },
  };
  const plot = new window.uPlot(opts, [d.x, d.observed, d.forecast, d.low, d.high], box);
  window.addEventListener("resize", () => plot.setSize({ width: Math.max(320, box.clientWidth - 16), height: 360 }));
  box.dataset.ready = "true";
})();
