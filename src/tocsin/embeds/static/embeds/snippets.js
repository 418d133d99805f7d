/* The Copy buttons of the embed page. Without JavaScript they stay hidden and the code is
   selected from its box as any text is. */
(function () {
  "use strict";
  var status = document.getElementById("copy-status");
  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var box = document.getElementById(button.getAttribute("data-copy"));
      box.select();
      var done = function () { if (status) status.textContent = button.getAttribute("data-done") || "✓"; };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(box.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });
})();
