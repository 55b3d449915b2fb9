// Salon's own script on every page: small conveniences only; every page works without it.
"use strict";
window.salon = {
  csrf: () => document.querySelector('meta[name="csrf"]').content,
  data: (id) => { const el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; },
};
// Rows marked data-href open their page when clicked.
document.addEventListener("click", (event) => {
  const row = event.target.closest("tr[data-href]");
  if (row && !event.target.closest("a")) window.location = row.dataset.href;
});
