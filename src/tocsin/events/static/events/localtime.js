// Progressive enhancement only: without it, times show in the event's own zone, named.
// With it, each time gets the reader's local time beside it when their zone differs, and the
// RSVP form tells the server that zone so the mails can show both.
(function () {
  "use strict";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) { return; }
  document.querySelectorAll("form[data-rsvp] input[name=tz]").forEach(function (input) {
    input.value = zone;
  });
  var lang = document.documentElement.lang || undefined;
  var day = new Intl.DateTimeFormat(lang, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: zone });
  var hour = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", timeZone: zone });
  document.querySelectorAll("[data-local-time]").forEach(function (box) {
    if (box.dataset.zone === zone) { return; }
    var start = new Date(box.dataset.start);
    var end = new Date(box.dataset.end);
    if (isNaN(start) || isNaN(end)) { return; }
    // Another zone name with the same clock at that moment (London in winter and UTC): nothing to add.
    try {
      var there = new Intl.DateTimeFormat(lang, { day: "numeric", hour: "2-digit", minute: "2-digit", timeZone: box.dataset.zone });
      var here = new Intl.DateTimeFormat(lang, { day: "numeric", hour: "2-digit", minute: "2-digit", timeZone: zone });
      if (there.format(start) === here.format(start)) { return; }
    } catch (e) { return; }
    var line = document.createElement("span");
    line.className = "theirs muted small";
    line.textContent = (box.dataset.label || "") + ": " + day.format(start) + "–" + hour.format(end);
    box.appendChild(line);
  });
})();
