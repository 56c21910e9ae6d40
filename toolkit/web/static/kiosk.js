// The kiosk's page script: the idle lock with an "Are you still there?" prompt,
// drafts of ticked answers, and one submission per page. Everything works
// without it too (the server expires idle sessions and answers every POST
// with a redirect); it only makes the tablet kinder to use.
(function () {
  "use strict";
  var body = document.body;
  var csrf = body.getAttribute("data-csrf") || "";

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      body: data || new FormData(),
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf },
    });
  }

  // --- Idle lock, with a prompt 30 s before it ------------------------------
  var seconds = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
  var lockForm = document.getElementById("idle-lock");
  var dialog = document.getElementById("still-there");
  var hereButton = document.getElementById("still-here");
  var warnTimer = null;
  var lockTimer = null;

  function lockNow() { if (lockForm) { lockForm.submit(); } }

  function showPrompt() {
    if (!dialog) { return; }
    if (typeof dialog.showModal === "function") { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
    if (hereButton) { hereButton.focus(); }
  }

  function promptOpen() { return dialog && dialog.hasAttribute("open"); }

  function resetIdle() {
    if (!seconds || !lockForm) { return; }
    clearTimeout(warnTimer);
    clearTimeout(lockTimer);
    var warnAt = Math.max(seconds - Math.min(30, seconds / 2), 1);
    warnTimer = setTimeout(showPrompt, warnAt * 1000);
    lockTimer = setTimeout(lockNow, seconds * 1000);
  }

  if (seconds && lockForm) {
    ["pointerdown", "keydown", "touchstart", "input", "scroll"].forEach(function (name) {
      document.addEventListener(name, function () { if (!promptOpen()) { resetIdle(); } }, { passive: true });
    });
    if (hereButton) {
      hereButton.addEventListener("click", function () {
        if (typeof dialog.close === "function") { dialog.close(); } else { dialog.removeAttribute("open"); }
        resetIdle();
        var url = body.getAttribute("data-still-here-url");
        if (url) { post(url).catch(function () { /* offline: the page keeps its own timer */ }); }
      });
    }
    if (dialog) {  // Escape closes a modal dialog: treat it as "I'm here"
      dialog.addEventListener("cancel", function (event) { event.preventDefault(); if (hereButton) { hereButton.click(); } });
    }
    resetIdle();
  }

  // --- The survey page -------------------------------------------------------
  var page = document.getElementById("page-form");
  if (page) {
    // one submission per page: a second tap on Next/Finish is ignored
    page.addEventListener("submit", function (event) {
      if (page.getAttribute("data-sent") === "1") { event.preventDefault(); return; }
      var by = event.submitter;
      if (by && by.value === "next") { page.setAttribute("data-sent", "1"); }
    });

    // drafts: every change is kept on the server, so Back, reload and the idle
    // lock never lose a ticked answer; a draft is never a submitted page
    var draftUrl = page.getAttribute("data-draft-url");
    var draftTimer = null;
    function saveDraft() {
      clearTimeout(draftTimer);
      draftTimer = null;
      if (!draftUrl) { return; }
      post(draftUrl, new FormData(page)).catch(function () { /* offline: kept on the next change */ });
    }
    page.addEventListener("change", function () {
      clearTimeout(draftTimer);
      draftTimer = setTimeout(saveDraft, 250);
    });
    page.addEventListener("input", function (event) {
      if (event.target && event.target.type === "number") {
        clearTimeout(draftTimer);
        draftTimer = setTimeout(saveDraft, 600);
      }
    });
    // leaving the page (help link, idle lock): send a pending draft first
    window.addEventListener("pagehide", function () {
      if (draftTimer && draftUrl && navigator.sendBeacon) {
        var data = new FormData(page);
        data.append("csrf_token", csrf);
        navigator.sendBeacon(draftUrl, data);
      }
    });
  }

  // a missing answer: bring the first one into view
  var missing = document.querySelector(".question.missing");
  if (missing) { missing.scrollIntoView({ block: "center" }); }
})();
