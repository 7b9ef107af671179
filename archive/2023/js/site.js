/* exemplar default theme: elderly-friendly mode, mobile menu, text size,
   print and copy-link buttons. Plain JS; without it the page works as is. The inline
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

  // 字号 大/中/小: the article's text size, remembered across pages. The
  // inline script in <head> applies a remembered size before first paint.
  var sizes = document.querySelectorAll(".font-size button");
  if (sizes.length) {
    var FS = "exemplar-fs";
    var mark = function () {
      var cur = root.getAttribute("data-fs") || "m";
      Array.prototype.forEach.call(sizes, function (b) {
        b.setAttribute("aria-pressed", b.getAttribute("data-fs") === cur ? "true" : "false");
      });
    };
    mark();
    Array.prototype.forEach.call(sizes, function (b) {
      b.addEventListener("click", function () {
        var v = b.getAttribute("data-fs");
        if (v === "m") { root.removeAttribute("data-fs"); } else { root.setAttribute("data-fs", v); }
        try { localStorage.setItem(FS, v); } catch (e) { /* private mode */ }
        mark();
      });
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

  // Galleries: each photo is a link to its large version (that is all a
  // visitor without script gets); with script it opens in a modal dialog
  // that works by keyboard: ← → between photos, Esc or the button closes,
  // and focus goes back to the photo it came from.
  var galleries = document.querySelectorAll(".gallery");
  if (galleries.length && typeof HTMLDialogElement === "function") {
    var zh = /^zh/i.test(root.lang || "");
    var L = zh ? { close: "关闭", prev: "上一张", next: "下一张", label: "照片浏览" }
               : { close: "Close", prev: "Previous", next: "Next", label: "Photo viewer" };
    var box = document.createElement("dialog");
    box.className = "lightbox";
    box.setAttribute("aria-label", L.label);
    box.innerHTML = '<figure><img alt=""><figcaption></figcaption></figure>' +
      '<p class="lb-count" aria-live="polite"></p>' +
      '<button type="button" class="lb-prev"></button><button type="button" class="lb-next"></button>' +
      '<button type="button" class="lb-close"></button>';
    box.querySelector(".lb-prev").textContent = "‹ " + L.prev;
    box.querySelector(".lb-next").textContent = L.next + " ›";
    box.querySelector(".lb-close").textContent = "× " + L.close;
    document.body.appendChild(box);
    var img = box.querySelector("img"), cap = box.querySelector("figcaption"), count = box.querySelector(".lb-count");
    var links = [], at = 0, from = null;
    var show = function (i) {
      at = (i + links.length) % links.length;
      var a = links[at], inner = a.querySelector("img"), fig = a.closest("figure");
      var text = fig && fig.querySelector("figcaption");
      img.src = a.href;
      img.alt = inner ? inner.alt : "";
      cap.textContent = text ? text.textContent : "";
      count.textContent = (at + 1) + " / " + links.length;
    };
    Array.prototype.forEach.call(galleries, function (g) {
      Array.prototype.forEach.call(g.querySelectorAll("a"), function (a) {
        var i = links.push(a) - 1;
        a.addEventListener("click", function (e) {
          e.preventDefault();
          from = a;
          show(i);
          box.showModal();
          box.querySelector(".lb-close").focus();
        });
      });
    });
    box.querySelector(".lb-prev").addEventListener("click", function () { show(at - 1); });
    box.querySelector(".lb-next").addEventListener("click", function () { show(at + 1); });
    box.querySelector(".lb-close").addEventListener("click", function () { box.close(); });
    box.addEventListener("keydown", function (e) {
      if (e.key === "ArrowLeft") { show(at - 1); e.preventDefault(); }
      if (e.key === "ArrowRight") { show(at + 1); e.preventDefault(); }
    });
    // A click on the backdrop (outside the dialog's box) closes it too.
    box.addEventListener("click", function (e) { if (e.target === box) { box.close(); } });
    box.addEventListener("close", function () { img.removeAttribute("src"); if (from) { from.focus(); } });
  }
})();
