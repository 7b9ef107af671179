/* exemplar serve: live reload and the build-error overlay. Served by
   `exemplar serve` only; never part of a build. */
(function () {
  "use strict";
  var me = document.currentScript;
  var base = (me && me.getAttribute("data-base")) || "/";
  var gen = me && me.getAttribute("data-gen");
  var ID = "exemplar-error-overlay";
  function overlay(errors) {
    var old = document.getElementById(ID);
    if (old) { old.parentNode.removeChild(old); }
    if (!errors || !errors.length) { return; }
    var box = document.createElement("section");
    box.id = ID;
    box.setAttribute("role", "alert");
    box.setAttribute("style", "position:fixed;z-index:2147483647;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;" +
      "background:#fff;color:#000;border-top:6px solid #b3121a;padding:1rem 1.25rem;font:16px/1.6 monospace;box-shadow:0 -4px 16px rgba(0,0,0,.3)");
    var h = document.createElement("h2");
    h.textContent = "构建失败 (build failed) — 仍显示上一次成功的构建 · " + errors.length + " 处错误";
    h.setAttribute("style", "margin:0 0 .5rem;font:bold 18px sans-serif;color:#8a0f14");
    box.appendChild(h);
    errors.forEach(function (e) {
      var p = document.createElement("pre");
      p.setAttribute("style", "white-space:pre-wrap;margin:.5rem 0;padding:.5rem;background:#fbf3f3;border-left:4px solid #b3121a");
      p.textContent = e.file + (e.line ? ":" + e.line + ":" + e.col : "") + "\n" + e.message + (e.hint ? "\n提示 (help): " + e.hint : "");
      box.appendChild(p);
    });
    document.body.appendChild(box);
  }
  function check() {
    return fetch(base + "__exemplar/errors", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(overlay)
      .catch(function () {});
  }
  function connect() {
    var es = new EventSource(base + "__exemplar/events");
    // A rebuild that happened before this page connected: reload now.
    // Otherwise ask for errors again: a failed build between the first
    // check() and this connection sent its event to nobody.
    es.addEventListener("hello", function (e) {
      if (gen && e.data !== gen) { location.reload(); } else { check(); }
    });
    es.addEventListener("reload", function () { location.reload(); });
    es.addEventListener("errors", check);
    es.addEventListener("css", function () {
      var links = document.querySelectorAll('link[rel="stylesheet"]');
      for (var i = 0; i < links.length; i++) {
        var u = new URL(links[i].href);
        u.searchParams.set("exemplar", String(Date.now()));
        links[i].href = u.toString();
      }
      check();
    });
  }
  check();
  connect();
})();
