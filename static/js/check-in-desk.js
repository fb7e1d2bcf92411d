// The check-in desk, with JavaScript: results as you type, the camera scanner, and check-ins
// that survive a dropped connection. Without JavaScript the desk's forms do all of this.
//
// Every check-in (a tapped "Check in" or a scanned ticket) first goes into a waiting list kept
// in the browser (localStorage), then is sent. It leaves the list only when the server has
// answered it (checked in, already in, or refused), so nothing is lost if the connection
// drops, and the server treats a check-in sent twice as done once.
(function () {
  "use strict";
  var desk = document.getElementById("desk");
  if (!desk || !window.fetch || !window.DOMParser || !window.JSON) return;

  var deskUrl = desk.getAttribute("data-desk-url");
  var sentUrl = desk.getAttribute("data-sent-url");
  var token = desk.getAttribute("data-csrf-token");
  var waitingKey = desk.getAttribute("data-waiting-key");
  var status = document.getElementById("desk-status");
  var waitingNote = document.getElementById("desk-waiting");
  var input = document.getElementById("q");
  // What the desk says, in the page's language (the page gives the words; English if not).
  var WORDS = JSON.parse(desk.getAttribute("data-words") || "{}");
  function word(key, english) { return WORDS[key] || english; }
  // A counted phrase in the right plural form: the page gives one for each of its language's
  // plural categories (Welsh and Arabic have six), and the browser says which a count is in.
  var PLURAL = window.Intl && Intl.PluralRules ?
    new Intl.PluralRules(document.documentElement.lang || "en") : null;
  function counted(key, count, englishOne, englishOther) {
    var forms = WORDS[key] || {};
    var category = PLURAL ? PLURAL.select(count) : (count === 1 ? "one" : "other");
    var text = forms[category] || forms.other || (count === 1 ? englishOne : englishOther);
    return text.replace("{count}", String(count));
  }
  var searchForm = document.getElementById("desk-search");
  var REGIONS = ["desk-count", "desk-found", "desk-recent"];
  var TYPING_PAUSE_MS = 300;
  var FIRST_RETRY_MS = 2000;
  var LAST_RETRY_MS = 60000;

  // `kind` ("success" or "warning") makes the answer to a check-in stand out, as a notice.
  function say(text, kind) {
    // Emptied first, so the same words twice in a row are read out twice.
    status.textContent = "";
    status.className = "desk-status" + (kind ? " notice notice-" + kind : "");
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  // ---- The waiting list -------------------------------------------------------------------
  var inMemory = []; // used when the browser keeps no storage (some private modes)

  function readWaiting() {
    try {
      var saved = window.localStorage.getItem(waitingKey);
      return saved ? JSON.parse(saved) : [];
    } catch (error) {
      return inMemory.slice();
    }
  }

  function writeWaiting(list) {
    inMemory = list.slice();
    try {
      if (list.length) window.localStorage.setItem(waitingKey, JSON.stringify(list));
      else window.localStorage.removeItem(waitingKey);
    } catch (error) { /* kept in memory instead */ }
    showWaiting();
  }

  function showWaiting() {
    var count = readWaiting().length;
    waitingNote.hidden = count === 0;
    waitingNote.textContent = count === 0 ? "" :
      counted("waitingCount", count, "{count} check-in waiting to send.",
        "{count} check-ins waiting to send.") +
      " " + word("sentLater", "They will be sent when the connection is back.");
    markWaiting();
  }

  // Buttons of people whose check-in is waiting say so, so nobody taps them again.
  function markWaiting() {
    var waiting = readWaiting().map(function (item) { return item.key; });
    desk.querySelectorAll("form[data-check-in]").forEach(function (form) {
      var isWaiting = waiting.indexOf("id:" + form.getAttribute("data-check-in")) !== -1;
      var button = form.querySelector("button");
      button.disabled = isWaiting;
      var note = form.querySelector(".desk-pending");
      if (isWaiting && !note) {
        note = document.createElement("span");
        note.className = "desk-pending";
        note.textContent = word("waiting", "Waiting to send");
        form.appendChild(note);
      } else if (!isWaiting && note) {
        note.remove();
      }
    });
  }

  function add(key, body) {
    var list = readWaiting();
    if (!list.some(function (item) { return item.key === key; })) {
      // The time it happened, which the server keeps if it is plausible.
      body.scanned_at = new Date().toISOString();
      list.push({ key: key, body: body });
      writeWaiting(list);
    }
    send();
  }

  function remove(key) {
    writeWaiting(readWaiting().filter(function (item) { return item.key !== key; }));
  }

  // ---- Sending ----------------------------------------------------------------------------
  var sending = false;
  var retryTimer = null;
  var retryDelay = FIRST_RETRY_MS;

  function retryLater(why) {
    if (why) say(why);
    if (retryTimer) return;
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      send();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, LAST_RETRY_MS);
  }

  // The server's answer to one check-in, or null when there was none worth trusting.
  function post(item) {
    return fetch(sentUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": token
      },
      body: JSON.stringify(item.body)
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.redirected) return { signedOut: true };
      if (type.indexOf("application/json") === -1) return null; // a 500 or 503 page: later
      return response.json();
    }).catch(function () { return null; });
  }

  function send() {
    var list = readWaiting();
    if (sending || !list.length) return;
    if (navigator.onLine === false) {
      retryLater(word("offline", "No connection. The check-in is saved on this phone and will be sent."));
      return;
    }
    sending = true;
    var item = list[0];
    post(item).then(function (answer) {
      sending = false;
      if (answer && answer.signedOut) {
        retryLater(word("signedOut", "You have been signed out. Sign in again and open this desk to send them."));
      } else if (!answer) {
        retryLater(word("unreachable", "Could not reach the site. The check-in is saved and will be sent."));
      } else {
        remove(item.key);
        retryDelay = FIRST_RETRY_MS;
        say(answer.message, answer.ok ? "success" : "warning");
        refresh(false);
        send();
      }
    });
  }

  window.addEventListener("online", function () {
    retryDelay = FIRST_RETRY_MS;
    send();
  });

  desk.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-check-in]");
    if (!form) return;
    event.preventDefault();
    add("id:" + form.getAttribute("data-check-in"), {
      registration_id: Number(form.getAttribute("data-check-in"))
    });
  });

  // ---- Results as you type ----------------------------------------------------------------
  var typingTimer = null;
  var latest = 0;

  // Fetch the desk page itself and swap in its changing parts: one template draws both.
  function refresh(announce) {
    var text = input.value.trim();
    var url = deskUrl + (text ? "?q=" + encodeURIComponent(text) : "");
    var asked = ++latest;
    return fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok || response.redirected) throw new Error("status " + response.status);
        return response.text();
      })
      .then(function (html) {
        if (asked !== latest) return; // a later search has been asked for
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var hadFocus = desk.querySelector("#desk-found :focus, #desk-recent :focus");
        REGIONS.forEach(function (id) {
          var now = document.getElementById(id);
          var next = fresh.getElementById(id);
          if (now && next) now.replaceWith(document.importNode(next, true));
        });
        markWaiting();
        if (hadFocus) focusResults();
        window.history.replaceState(null, "", url);
        if (announce) say(document.getElementById("desk-found").getAttribute("data-summary"));
      })
      .catch(function () {
        if (announce) say(word("searchOffline", "No connection. Searching will work again when it is back."));
      });
  }

  // The button that had focus has gone; keep keyboard users near where they were.
  function focusResults() {
    var heading = document.getElementById("found-heading") || input;
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }

  input.addEventListener("input", function () {
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(function () { refresh(true); }, TYPING_PAUSE_MS);
  });
  searchForm.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(typingTimer);
    refresh(true);
  });

  // ---- The camera scanner -----------------------------------------------------------------
  var scanner = window.NclwDeskScanner;
  var box = document.getElementById("desk-scanner");
  if (scanner && scanner.available()) {
    var startButton = document.getElementById("scan-start");
    var stopButton = document.getElementById("scan-stop");
    var hint = document.getElementById("scan-hint");
    var video = document.getElementById("scan-video");
    var camera = null;

    var showCamera = function (on) {
      startButton.hidden = on;
      stopButton.hidden = !on;
      hint.hidden = !on;
      video.hidden = !on;
    };
    var stopCamera = function () {
      if (camera) camera.stop();
      camera = null;
      showCamera(false);
    };

    startButton.addEventListener("click", function () {
      showCamera(true);
      stopButton.focus();
      say(word("cameraOn", "Camera on. Hold the ticket's QR code in view."));
      camera = scanner.start(video, desk.getAttribute("data-jsqr-url"), function (text) {
        stopCamera();
        startButton.focus();
        say(word("ticketRead", "Ticket read. Checking in."));
        add("scan:" + text, { reference: text });
      }, function () {
        stopCamera();
        say(word("cameraFailed", "The camera did not start. Find them by name, or type their ticket reference."));
      });
    });
    stopButton.addEventListener("click", function () {
      stopCamera();
      startButton.focus();
      say(word("cameraOff", "Camera off."));
    });
    // Never leave the camera on behind someone's back.
    window.addEventListener("pagehide", stopCamera);
    document.addEventListener("visibilitychange", function () {
      if (document.hidden) stopCamera();
    });
    box.hidden = false;
  }

  showWaiting();
  send();
})();
