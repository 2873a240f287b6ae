// "Hide screen" for a shared classroom display: the header's button, or Escape pressed twice
// within a second, covers the whole window at once with a plain panel (no request to the
// server). Only a click or tap on the panel shows the page again: a stray key press does not.
// Staff pages only: the script does nothing on a page without the button.
(function () {
  "use strict";
  var NEUTRAL_TITLE = "Peer mentoring";
  var DOUBLE_ESCAPE_MS = 1000;
  var cover = null;
  var savedTitle = null;
  var savedFocus = null;
  var lastEscape = 0;

  function isHidden() { return cover !== null && !cover.hidden; }

  function makeCover() {
    var panel = document.createElement("div");
    panel.className = "screen-cover";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-modal", "true");
    panel.setAttribute("aria-label", "Screen hidden");
    panel.tabIndex = -1;
    var note = document.createElement("p");
    note.className = "screen-cover-note";
    note.textContent = "Screen hidden. Click or tap anywhere to show the page.";
    panel.appendChild(note);
    panel.addEventListener("click", show);
    document.body.appendChild(panel);
    return panel;
  }

  function pageParts() {
    return Array.prototype.filter.call(document.body.children, function (el) { return el !== cover; });
  }

  function hide() {
    if (isHidden()) { return; }
    if (cover === null) { cover = makeCover(); }
    savedTitle = document.title;
    savedFocus = document.activeElement;
    // Close any open drop-down so nothing of the page is left open underneath.
    document.querySelectorAll("details[open]").forEach(function (d) { d.open = false; });
    cover.hidden = false;
    document.documentElement.classList.add("screen-hidden");
    // The page behind can be neither read out nor reached with Tab while covered.
    pageParts().forEach(function (el) { el.inert = true; el.setAttribute("aria-hidden", "true"); });
    document.title = NEUTRAL_TITLE;
    cover.focus();
  }

  function show() {
    if (!isHidden()) { return; }
    pageParts().forEach(function (el) { el.inert = false; el.removeAttribute("aria-hidden"); });
    cover.hidden = true;
    document.documentElement.classList.remove("screen-hidden");
    if (savedTitle !== null) { document.title = savedTitle; }
    if (savedFocus && savedFocus.focus && document.contains(savedFocus)) { savedFocus.focus(); }
  }

  function start() {
    var button = document.querySelector("[data-hide-screen]");
    if (!button) { return; }
    button.addEventListener("click", hide);
    document.addEventListener("keydown", function (event) {
      if (isHidden()) {
        // Keys do nothing while the screen is hidden (Escape, Enter, Space, Tab...).
        event.preventDefault();
        event.stopPropagation();
        return;
      }
      if (event.key !== "Escape" || event.repeat) { return; }
      // An Escape that closes an open drop-down is spent on that, and does not count.
      if (document.querySelector("details[open]")) {
        lastEscape = 0;
        return;
      }
      var now = Date.now();
      if (now - lastEscape <= DOUBLE_ESCAPE_MS) {
        lastEscape = 0;
        hide();
      } else {
        lastEscape = now;
      }
    }, true);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
