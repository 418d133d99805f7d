// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // "Use my location": shown only where the browser can do it; the form posts lat/lon to the server,
  // which resolves the district against the boundaries. Nothing is sent to any third party.
  document.querySelectorAll("form[data-geolocate]").forEach(function (form) {
    if (!("geolocation" in navigator)) { return; }
    form.hidden = false;
    var button = form.querySelector("button");
    var status = form.querySelector("[data-geolocate-status]");
    button.addEventListener("click", function (event) {
      event.preventDefault();
      button.disabled = true;
      if (status) { status.textContent = form.dataset.waiting || ""; }
      navigator.geolocation.getCurrentPosition(function (position) {
        form.querySelector("input[name=latitude]").value = position.coords.latitude.toFixed(5);
        form.querySelector("input[name=longitude]").value = position.coords.longitude.toFixed(5);
        form.submit();
      }, function () {
        button.disabled = false;
        if (status) { status.textContent = form.dataset.failed || ""; }
      }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
    });
  });
})();

// Share step: a live character count against each network's limit, and links that carry the
// edited text. Without this file the links carry the text as written.
(function () {
  "use strict";
  var composeBase = {
    x: "https://x.com/intent/post?text=",
    bluesky: "https://bsky.app/intent/compose?text="
  };
  document.querySelectorAll("[data-share]").forEach(function (box) {
    var area = box.querySelector("textarea");
    var counter = box.querySelector("[data-count]");
    var line = counter && counter.parentElement;
    var link = box.querySelector("a[data-compose]");
    var limit = parseInt(box.dataset.limit, 10);
    function update() {
      var length = Array.from(area.value).length;
      counter.textContent = length;
      if (line) { line.classList.toggle("over", length > limit); }
      if (link && composeBase[link.dataset.compose]) {
        link.href = composeBase[link.dataset.compose] + encodeURIComponent(area.value);
      }
    }
    area.addEventListener("input", update);
    update();
  });
})();
