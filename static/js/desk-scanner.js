// The desk's ticket scanner: reads the QR code on a ticket with the phone's camera.
// The camera starts only when someone taps "Scan a ticket", and stops after one ticket is read,
// on "Stop scanning", and when the page is left or hidden. The browser's own BarcodeDetector
// is used where it reads QR codes; elsewhere the vendored jsQR decoder is loaded on first use.
(function () {
  "use strict";

  var EVERY_MS = 150; // how often a frame is read: quick enough, and kind to old phones

  function cameraAvailable() {
    return !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  }

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      if (window.jsQR) return resolve();
      var script = document.createElement("script");
      script.src = url;
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error("could not load " + url)); };
      document.head.appendChild(script);
    });
  }

  // A function that takes the video and gives a promise of the text of a QR code, or null.
  function makeReader(jsqrUrl) {
    if ("BarcodeDetector" in window && window.BarcodeDetector.getSupportedFormats) {
      return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
        if (formats.indexOf("qr_code") === -1) return jsqrReader(jsqrUrl);
        var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return function (video) {
          return detector.detect(video).then(function (codes) {
            return codes.length ? codes[0].rawValue : null;
          });
        };
      }).catch(function () { return jsqrReader(jsqrUrl); });
    }
    return jsqrReader(jsqrUrl);
  }

  function jsqrReader(jsqrUrl) {
    return loadScript(jsqrUrl).then(function () {
      var canvas = document.createElement("canvas");
      var context = canvas.getContext("2d", { willReadFrequently: true });
      return function (video) {
        var width = video.videoWidth, height = video.videoHeight;
        if (!width || !height) return Promise.resolve(null);
        canvas.width = width;
        canvas.height = height;
        context.drawImage(video, 0, 0, width, height);
        var pixels = context.getImageData(0, 0, width, height);
        var code = window.jsQR(pixels.data, width, height, { inversionAttempts: "dontInvert" });
        return Promise.resolve(code ? code.data : null);
      };
    });
  }

  // Start the camera into `video`; call onText(text) once with the first code read.
  // Returns an object whose stop() turns the camera off (safe to call more than once).
  function start(video, jsqrUrl, onText, onError) {
    var stream = null;
    var timer = null;
    var stopped = false;

    function stop() {
      stopped = true;
      if (timer) window.clearTimeout(timer);
      if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
      video.pause();
      video.srcObject = null;
    }

    function loop(read) {
      if (stopped) return;
      read(video).then(function (text) {
        if (stopped) return;
        if (text) {
          stop();
          onText(text);
        } else {
          timer = window.setTimeout(function () { loop(read); }, EVERY_MS);
        }
      }).catch(function () {
        timer = window.setTimeout(function () { loop(read); }, EVERY_MS);
      });
    }

    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        if (stopped) {
          media.getTracks().forEach(function (track) { track.stop(); });
          return null;
        }
        stream = media;
        video.srcObject = media;
        return Promise.all([video.play(), makeReader(jsqrUrl)]);
      })
      .then(function (ready) {
        if (ready && !stopped) loop(ready[1]);
      })
      .catch(function (error) {
        stop();
        onError(error);
      });

    return { stop: stop };
  }

  window.NclwDeskScanner = { available: cameraAvailable, start: start };
})();
