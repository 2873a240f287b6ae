// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  var toggle = document.querySelector(".menu-toggle");
  var menu = document.getElementById("school-menu");
  if (toggle && menu) {
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      menu.classList.toggle("is-open", !open);
    });
  }
  // The menu's groups and the account menu are <details>: they work without this. With it,
  // one opens at a time, and Escape, a click elsewhere or (as drop-downs on a wide screen)
  // tabbing past closes them.
  var dropdowns = Array.prototype.slice.call(document.querySelectorAll(".menu-group details, .account-menu"));
  var wide = window.matchMedia("(min-width: 50rem)");
  function closeAll(except) {
    dropdowns.forEach(function (d) { if (d !== except) { d.open = false; } });
  }
  dropdowns.forEach(function (details) {
    details.addEventListener("toggle", function () { if (details.open) { closeAll(details); } });
    details.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && details.open) {
        details.open = false;
        details.querySelector("summary").focus();
      }
    });
    details.addEventListener("focusout", function (event) {
      var isDropDown = wide.matches || details.classList.contains("account-menu");
      if (isDropDown && event.relatedTarget && !details.contains(event.relatedTarget)) { details.open = false; }
    });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest(".menu-group details, .account-menu")) { closeAll(null); }
  });
  // A long form typed on a phone (a safeguarding concern): warn before leaving it unsent.
  // The text stays in the page only, never in the browser's storage (shared devices).
  document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  });
  // A button that sends once: a second press while the page is loading does nothing.
  document.querySelectorAll("button[data-once]").forEach(function (button) {
    button.form && button.form.addEventListener("submit", function (event) {
      if (button.dataset.sent) { event.preventDefault(); return; }
      button.dataset.sent = "yes";
    });
  });
  // A "Print" button (recovery codes): the page's own print layout.
  document.querySelectorAll("[data-print]").forEach(function (el) {
    el.addEventListener("click", function () { window.print(); });
  });
  // Submit a filter form when a select changes (search boxes use htmx).
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () {
      if (el.form && el.form.requestSubmit) { el.form.requestSubmit(); }
    });
  });
});
