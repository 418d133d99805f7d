// After django-otp-webauthn's register script has saved a passkey, go where the server says
// (the recovery codes for a first second factor, else the two-factor page), keeping the page's
// `next` so the organizer ends up where they were going.
document.addEventListener("otp_webauthn.register_complete", function (event) {
  var response = (event.detail && event.detail.response) || {};
  var target = new URL(response.redirect_url || window.location.pathname, window.location.origin);
  if (target.origin !== window.location.origin) {
    target = new URL(window.location.pathname, window.location.origin);
  }
  var next = document.querySelector(".signin-add input[name='next']");
  if (next && next.value) {
    target.searchParams.set("next", next.value);
  }
  window.location.assign(target.toString());
});
