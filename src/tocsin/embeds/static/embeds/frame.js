/* Inside a partner's frame: tell the page that frames us how tall we are, whenever that
   changes, so it can size the frame (embed.js listens, for messages from our origin only).
   Only a height is sent, nothing a supporter typed. */
(function () {
  "use strict";
  if (window.parent === window) return;
  var last = 0;
  function send() {
    var body = document.body;
    var style = window.getComputedStyle(body);
    var height = Math.ceil(
      body.getBoundingClientRect().height +
        parseFloat(style.marginTop) +
        parseFloat(style.marginBottom)
    );
    if (height && height !== last) {
      last = height;
      window.parent.postMessage({ tocsin: "height", value: height }, "*");
    }
  }
  if ("ResizeObserver" in window) new ResizeObserver(send).observe(document.body);
  window.addEventListener("load", send);
  send();
})();
