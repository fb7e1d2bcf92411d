// Presenter view: fetch the latest questions every few seconds and swap them in, so the page
// does not flash as a full reload would. Without JavaScript, a <noscript> meta refresh does this.
// Also offers the moderator a "Full screen" button, where the browser allows it.
(function () {
  "use strict";

  function offerFullScreen() {
    var button = document.getElementById("projector-fullscreen");
    var root = document.documentElement;
    if (!button || !document.fullscreenEnabled || !root.requestFullscreen) {
      return;
    }
    function label() {
      // The words come from the page, in its language.
      button.textContent = document.fullscreenElement ? button.dataset.leave : button.dataset.enter;
    }
    button.addEventListener("click", function () {
      var change = document.fullscreenElement ? document.exitFullscreen() : root.requestFullscreen();
      if (change && change.catch) {
        change.catch(function () {});
      }
    });
    document.addEventListener("fullscreenchange", label);
    label();
    button.hidden = false;
  }

  function keepQuestionsLive() {
    var box = document.getElementById("presenter-questions");
    if (!box || !window.fetch || !window.DOMParser) {
      return;
    }
    var url = box.getAttribute("data-live-url");
    var shown = null;
    var failures = 0;

    function refresh() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok || response.redirected) {
            throw new Error("status " + response.status);
          }
          return response.text();
        })
        .then(function (html) {
          failures = 0;
          // Only touch the page when the questions changed: the room sees no flicker, and a
          // screen reader is not sent back to the top every few seconds.
          if (html === shown) {
            return;
          }
          shown = html;
          var parsed = new DOMParser().parseFromString(html, "text/html");
          box.replaceChildren.apply(box, Array.prototype.slice.call(parsed.body.childNodes));
        })
        .catch(function () {
          failures += 1;
          if (failures >= 3) {
            window.location.reload();
          }
        });
    }

    window.setInterval(refresh, 5000);
  }

  offerFullScreen();
  keepQuestionsLive();
})();
