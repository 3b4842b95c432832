// Small enhancements only; every page works without this file.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});

// The print button is useless without JavaScript, so it is hidden until now.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-print]").forEach((el) => el.removeAttribute("hidden"));
});

// A failed htmx request (network down, server error) falls back to the plain form or link.
document.addEventListener("htmx:sendError", (event) => fallBack(event.detail.elt));
document.addEventListener("htmx:responseError", (event) => {
  const poll = event.detail.elt.closest("[data-poll]");
  if (!poll) {
    fallBack(event.detail.elt);
  }
});

function fallBack(elt) {
  if (elt.closest("[data-poll]")) {
    return;
  }
  const form = elt.closest("form");
  if (form) {
    form.submit();
  } else if (elt.href) {
    window.location.href = elt.href;
  }
}
