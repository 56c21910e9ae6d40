// Idle timeout: after the program's idle time without a touch or key, the
// tablet returns to the lock screen (the server also expires the session).
(function () {
  "use strict";
  var seconds = parseInt(document.body.getAttribute("data-idle-seconds") || "0", 10);
  var form = document.getElementById("idle-lock");
  if (!seconds || !form) { return; }
  var timer = null;
  function reset() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () { form.submit(); }, seconds * 1000);
  }
  ["pointerdown", "keydown", "touchstart", "input", "scroll"].forEach(function (name) {
    document.addEventListener(name, reset, { passive: true });
  });
  reset();
  // one submission per page: a second tap on Next/Finish is ignored
  var page = document.getElementById("page-form");
  if (page) {
    page.addEventListener("submit", function (event) {
      if (page.getAttribute("data-sent") === "1") { event.preventDefault(); return; }
      var by = event.submitter;
      if (by && by.value === "next") { page.setAttribute("data-sent", "1"); }
    });
  }
  // a missing answer: bring the first one into view
  var missing = document.querySelector(".question.missing");
  if (missing) { missing.scrollIntoView({ block: "center" }); }
})();
