/* Tocsin's embed script, for partners' pages:
     <div data-tocsin-action="sign" data-campaign="the-campaign-slug"></div>
     <script async src="https://tocsin.example/embed.js"></script>
   Each such div gets an iframe of the action (data-lang="es" for Spanish, data-title for the
   frame's accessible name, data-source to name the page otherwise than by its address). The
   frame tells its height by postMessage; only messages from this script's own origin and
   from one of its frames are heeded. No build step: plain ES5. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var base = new URL(script.src).origin;
  var ACTIONS = { sign: 1, call: 1, write: 1, rsvp: 1, give: 1, join: 1 };
  var HEIGHTS = { sign: 760, call: 640, write: 760, rsvp: 680, give: 720, join: 620 };
  var frames = [];

  function place(holder) {
    if (holder.getAttribute("data-tocsin-ready")) return;
    var action = holder.getAttribute("data-tocsin-action");
    var campaign = holder.getAttribute("data-campaign") || "";
    if (!ACTIONS[action] || !/^[-a-zA-Z0-9_]+$/.test(campaign)) return;
    var url = new URL("/embed/c/" + campaign + "/" + action + "/", base);
    // The page's address without its query string or fragment, which may be personal.
    url.searchParams.set(
      "host",
      holder.getAttribute("data-source") || location.origin + location.pathname
    );
    var lang = holder.getAttribute("data-lang");
    if (lang && /^[a-z]{2}$/.test(lang)) url.searchParams.set("lang", lang);
    var frame = document.createElement("iframe");
    frame.src = url.href;
    frame.title = holder.getAttribute("data-title") || "Tocsin: " + action;
    frame.setAttribute("loading", "lazy");
    frame.style.border = "0";
    frame.style.display = "block";
    frame.style.width = "100%";
    frame.style.maxWidth = "100%";
    frame.style.height = HEIGHTS[action] + "px";
    holder.setAttribute("data-tocsin-ready", "1");
    holder.appendChild(frame);
    frames.push(frame);
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== base) return;
    var data = event.data;
    if (!data || data.tocsin !== "height") return;
    var height = Number(data.value);
    if (!isFinite(height)) return;
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = Math.max(120, Math.min(Math.round(height), 20000)) + "px";
      }
    }
  });

  function placeAll() {
    var holders = document.querySelectorAll("[data-tocsin-action]");
    for (var i = 0; i < holders.length; i++) place(holders[i]);
  }
  placeAll();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", placeAll);
  }
})();
