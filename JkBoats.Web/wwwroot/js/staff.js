// Front desk: print buttons and the board's keyboard shortcuts (no inline scripts, so a strict Content-Security-Policy can hold).
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (button) {
    window.print();
  }
});

// "/" search, "c" check-in, "w" the next departure's walk-in: never while typing, never with a modifier.
const shortcuts = { "/": "#q", c: "#code", w: "[data-next-walk-in]" };
document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) {
    return;
  }
  const target = event.target instanceof Element ? event.target : null;
  if (target && target.closest("input, textarea, select, [contenteditable=''], [contenteditable=true]")) {
    return;
  }
  const selector = shortcuts[event.key];
  const element = selector ? document.querySelector(selector) : null;
  if (element instanceof HTMLElement) {
    event.preventDefault();
    element.focus();
  }
});

// The board refreshes itself every 15 s by swapping its table: keep the focus on the same link across the swap.
let refocus = null;
document.addEventListener("htmx:beforeSwap", (event) => {
  const active = document.activeElement;
  const row = active instanceof Element && event.target instanceof Element && event.target.contains(active) ? active.closest("[data-departure-id]") : null;
  refocus = row && active.dataset.action ? `[data-departure-id="${row.dataset.departureId}"] [data-action="${active.dataset.action}"]` : null;
});
document.addEventListener("htmx:afterSettle", () => {
  const element = refocus ? document.querySelector(refocus) : null;
  refocus = null;
  if (element instanceof HTMLElement) {
    element.focus();
  }
});
