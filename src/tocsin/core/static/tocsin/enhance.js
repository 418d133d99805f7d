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
