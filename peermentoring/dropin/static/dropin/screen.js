// The corridor screen in turn: the notice board, then another app's slide (the bullying
// board's messages and posters), the board again, the next slide, and so on. Without this
// file every slide shows, one under the other. Nothing is fetched: the page itself reloads
// every ten minutes (its meta refresh) to pick up changes.
(function () {
  "use strict";
  var BOARD_SECONDS = 30;
  var SLIDE_SECONDS = 15;

  function start() {
    var board = document.querySelector(".screen-slide[data-slide='board']");
    var extras = Array.prototype.slice.call(document.querySelectorAll(".screen-slide[data-slide='extra']"));
    if (!board || extras.length === 0) { return; }
    var order = [];
    extras.forEach(function (slide) { order.push(board, slide); });
    var all = [board].concat(extras);
    var step = 0;
    document.documentElement.classList.add("screen-rotating");

    function show() {
      var current = order[step % order.length];
      all.forEach(function (slide) { slide.hidden = slide !== current; });
      step += 1;
      window.setTimeout(show, (current === board ? BOARD_SECONDS : SLIDE_SECONDS) * 1000);
    }
    show();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
