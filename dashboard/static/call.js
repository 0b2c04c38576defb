// The call page: turn markers on the waveform and the transcript's ▶ buttons seek the recording;
// a playhead follows the audio. Only attributes change (no inline style: the CSP forbids it).
(function () {
  "use strict";
  var audio = document.getElementById("recording");
  if (!audio) { return; }
  var fig = document.getElementById("waveform");
  var head = document.getElementById("playhead");
  var width = fig ? fig.querySelector("svg").viewBox.baseVal.width : 0;

  function seek(seconds) {
    if (!isFinite(seconds)) { return; }
    audio.currentTime = seconds;
    var played = audio.play();
    if (played && played.catch) { played.catch(function () { /* autoplay refused: stays paused at the turn */ }); }
  }

  document.querySelectorAll("[data-seek]").forEach(function (el) {
    el.addEventListener("click", function (e) { e.preventDefault(); seek(parseFloat(el.dataset.seek)); });
    el.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); seek(parseFloat(el.dataset.seek)); }
    });
  });

  if (head && fig) {
    audio.addEventListener("timeupdate", function () {
      var total = audio.duration || parseFloat(fig.dataset.duration) || 0;
      var x = total ? Math.min(width, width * audio.currentTime / total) : 0;
      head.setAttribute("x1", x);
      head.setAttribute("x2", x);
    });
  }
})();
