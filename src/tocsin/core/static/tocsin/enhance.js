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

// A form sent back with errors: move focus to its summary so the errors are read out first and
// each is one tap from its field. Without this file the summary is still the form's first
// element and an alert region.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  function focusSummary() {
    // Focus alone scrolls only as far as needed, leaving the summary cut off at the bottom.
    summary.focus({ preventScroll: true });
    summary.scrollIntoView({ block: "start" });
  }
  focusSummary();
  // A URL with a #fragment (the give form posts to #give) moves focus to its target once the
  // page has loaded, which would take it from the summary: take it back after that.
  if (location.hash) {
    window.addEventListener("load", function () {
      setTimeout(focusSummary, 0);
    });
  }
})();

// Share step: a button that copies the campaign's link. Without this file (or without the
// clipboard API) the button stays hidden and the link is there to select; a tap selects it all.
(function () {
  "use strict";
  document.querySelectorAll("input[data-copy-text]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
  if (!(navigator.clipboard && window.isSecureContext)) { return; }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.dataset.copy);
    var status = button.closest(".share-copy").querySelector("[data-copy-status]");
    if (!input) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        if (status) { status.textContent = button.dataset.copied; }
      }, function () {
        input.select();
      });
    });
  });
})();
