// Read aloud: a speaker button by each question reads the question and its
// answers in the page's language with the browser's own speech synthesis.
// The button stays hidden where the browser has no voice for that language
// (nothing is sent anywhere; speech is made on the tablet).
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button.speak");
  if (!buttons.length || !("speechSynthesis" in window)) { return; }
  var lang = (document.documentElement.lang || "en").toLowerCase();

  function voice() {
    var voices = window.speechSynthesis.getVoices() || [];
    return voices.filter(function (v) { return (v.lang || "").toLowerCase().split(/[-_]/)[0] === lang; })[0] || null;
  }

  function show() {
    var available = !!voice();
    buttons.forEach(function (b) { b.hidden = !available; });
  }

  function textOf(fieldset) {
    var parts = [fieldset.querySelector(".question-text").textContent.trim()];
    fieldset.querySelectorAll(".option-text, .count-label").forEach(function (o) {
      var t = o.textContent.trim();
      if (t) { parts.push(t); }
    });
    return parts.join(". ");
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      var synth = window.speechSynthesis;
      var utterance = new SpeechSynthesisUtterance(textOf(button.closest("fieldset")));
      utterance.lang = lang;
      utterance.voice = voice();
      synth.cancel();
      synth.speak(utterance);
    });
  });
  if (window.speechSynthesis.addEventListener) {
    window.speechSynthesis.addEventListener("voiceschanged", show);
  }
  show();
})();
