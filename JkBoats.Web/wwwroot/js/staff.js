// Front desk: print buttons (no inline scripts, so a strict Content-Security-Policy can hold).
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (button) {
    window.print();
  }
});
