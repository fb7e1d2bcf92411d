// Presenter view: fetch the latest questions every few seconds and swap them in, so the page
// does not flash as a full reload would. Without JavaScript, a <noscript> meta refresh does this.
(function () {
  "use strict";
  var box = document.getElementById("presenter-questions");
  if (!box || !window.fetch || !window.DOMParser) {
    return;
  }
  var url = box.getAttribute("data-live-url");
  var failures = 0;

  function refresh() {
    // Keep the page still while someone is using a button on it.
    if (box.contains(document.activeElement) && document.activeElement !== document.body) {
      return;
    }
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok || response.redirected) {
          throw new Error("status " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        failures = 0;
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
})();
