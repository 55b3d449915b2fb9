// The attention map: positions come from the server (igraph); sigma.js draws them on WebGL.
"use strict";
(function () {
  const box = document.getElementById("graph");
  if (!box || !window.graphology || !window.Sigma) return;
  const data = window.salon.data(box.dataset.source);
  const SigmaClass = window.Sigma.Sigma || window.Sigma.default || window.Sigma;
  const colors = { you: "#c2410c", "agenda-setter": "#2f5fb3", member: "#16a34a", attended: "#a3aab5" };
  const graph = new window.graphology.Graph({ type: "directed", multi: false, allowSelfLoops: false });
  const maxDegree = Math.max(1, ...data.nodes.map((n) => n.degree));
  data.nodes.forEach((n) => {
    const big = n.role === "you" || n.role === "agenda-setter";
    graph.addNode(String(n.id), {
      x: n.x, y: n.y, label: n.label, role: n.role, color: colors[n.role] || "#999",
      size: (big ? 6 : 2) + 6 * Math.sqrt(n.degree / maxDegree),
      forceLabel: big,
    });
  });
  data.edges.forEach(([a, b, w]) => {
    const s = String(data.nodes[a].id), t = String(data.nodes[b].id);
    if (!graph.hasEdge(s, t)) graph.addEdge(s, t, { size: 0.5, color: "#d5dae1" });
  });
  // Labels only for the larger nodes of a large picture. (Hiding edges and labels while the
  // camera moves was measured slower: 5 frames a second against 20 at 5,000 people.)
  const large = graph.order > 1500;
  const renderer = new SigmaClass(graph, box, {
    renderEdgeLabels: false,
    labelRenderedSizeThreshold: large ? 12 : 8,
  });
  renderer.on("clickNode", ({ node }) => { window.location = "/people/" + node; });
  let found = null;
  renderer.setSetting("nodeReducer", (node, attrs) =>
    found && !found.has(node) ? { ...attrs, color: "#eceff3", label: null } : attrs);
  const search = document.getElementById("graph-search");
  if (search) search.addEventListener("input", () => {
    const q = search.value.trim().toLowerCase();
    found = q ? new Set(graph.filterNodes((_, a) => (a.label || "").toLowerCase().includes(q))) : null;
    renderer.refresh();
  });
  window.salonGraph = { graph, renderer };
  box.dataset.ready = "true";
})();
