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

// The booking form's total follows the ticket counts as they are typed; without this file it follows on the next step.
document.addEventListener("input", (event) => {
  const stepper = event.target.closest("[data-fare]");
  const form = stepper && stepper.closest("form");
  const output = form && form.querySelector("[data-live-total]");
  if (!output) {
    return;
  }
  let cents = 0;
  form.querySelectorAll("[data-fare]").forEach((fare) => {
    const count = parseInt(fare.querySelector("input").value, 10);
    if (count > 0) {
      cents += count * Math.round(parseFloat(fare.dataset.price) * 100);
    }
  });
  output.textContent = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(cents / 100);
});
