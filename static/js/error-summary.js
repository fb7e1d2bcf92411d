// Progressive enhancement for forms that come back with errors (GOV.UK error summary pattern).
// Focus moves to the summary so keyboard and screen reader users start from the list of
// problems; without JavaScript the summary's autofocus attribute does the same in most browsers.
(function () {
  "use strict";

  function focusField(event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    // Focus the field itself (a plain #link only scrolls) and show its label above it.
    event.preventDefault();
    var label = document.querySelector("label[for='" + field.id + "']");
    (label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  }

  function start() {
    var summary = document.getElementById("error-summary");
    if (!summary) return;
    if (document.activeElement !== summary) summary.focus();
    summary.addEventListener("click", focusField);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
