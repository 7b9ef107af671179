/* exemplar default theme: elderly-friendly mode, mobile menu, print and
   copy-link buttons. Plain JS; without it the page works as is. The inline
   script in <head> sets the `js` and `elder` classes before the first paint,
   so the buttons (shown by CSS only under .js) never shift the layout. */
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "exemplar-elder";

  var elder = document.querySelector(".elder-toggle");
  if (elder) {
    var sync = function () {
      var on = root.classList.contains("elder");
      elder.setAttribute("aria-pressed", on ? "true" : "false");
      elder.textContent = on ? elder.getAttribute("data-off") : elder.getAttribute("data-on");
    };
    sync();
    elder.addEventListener("click", function () {
      var on = root.classList.toggle("elder");
      try { localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode */ }
      sync();
    });
  }

  var menu = document.querySelector(".menu-toggle");
  var nav = document.getElementById("site-nav");
  if (menu && nav) {
    menu.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      menu.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  var tools = document.querySelector(".page-tools");
  if (tools) {
    var print = tools.querySelector(".tool-print");
    if (print) { print.addEventListener("click", function () { window.print(); }); }
    var copy = tools.querySelector(".tool-copy");
    if (copy) {
      copy.addEventListener("click", function () {
        var url = copy.getAttribute("data-url") || location.href;
        var done = function () { copy.textContent = copy.getAttribute("data-done"); };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(url).then(done, function () { window.prompt("", url); });
        } else {
          window.prompt("", url);
        }
      });
    }
  }
})();
