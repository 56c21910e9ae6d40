// The kiosk's page script: the idle lock with an "Are you still there?" prompt,
// drafts of ticked answers, and submitting pages so that a dropped network
// never loses one. Without the script the kiosk still works (the server
// expires idle sessions and answers every POST with a redirect).
//
// Submitting: the form is sent with fetch; the server answers {"go": URL} and
// the page goes there, so history holds pages only. If the network is down,
// the page is queued on the tablet (kiosk-sync.js) and the tablet moves on to
// the next page's offline copy; a risk answer shows the crisis message at once.
(function () {
  "use strict";
  var body = document.body;
  var csrf = body.getAttribute("data-csrf") || "";
  var Store = window.KioskStore;
  var Sync = window.KioskSync;
  var FETCH_TIMEOUT_MS = 10000;

  function post(url, data) {
    return fetch(url, { method: "POST", body: data || new FormData(), credentials: "same-origin", headers: { "X-CSRFToken": csrf } });
  }

  /** Go to a page's offline copy; if the tablet has none yet, stay and say so (the answers are kept). */
  function goCopy(url) {
    if (!window.caches) { return go(url); }
    return caches.match(url, { ignoreVary: true, ignoreSearch: true }).then(function (hit) {
      if (hit) { return go(url); }
      var note = document.getElementById("offline-note");
      if (note) {
        note.textContent = note.getAttribute("data-no-copy");
        note.hidden = false;
        note.classList.add("waiting");
      }
      window.addEventListener("online", function () {  // send what waits, then go where the session is
        Sync.flush(currentRef).then(function () { go(body.getAttribute("data-kiosk-url") || "/kiosk/"); }, function () {});
      }, { once: true });
    });
  }

  function go(url) {
    var target = new URL(url, window.location.href);
    if (target.pathname === window.location.pathname && target.search === window.location.search) {
      window.location.hash = target.hash;  // the same page again (a message to show): load it anew
      window.location.reload();
      return;
    }
    window.location.assign(target.href);
  }

  /** Send a kiosk form; resolves to the address to go to, rejects when the network is down. */
  function submitOnline(form, data, ref) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, FETCH_TIMEOUT_MS);
    return Sync.flush(ref).then(function () {  // this session's earlier pages go first
      return fetch(form.getAttribute("action"), {
        method: "POST", body: data, credentials: "same-origin", signal: controller.signal,
        headers: { "X-Kiosk-Fetch": "1", "X-CSRFToken": csrf },
      });
    }).then(function (response) {
      clearTimeout(timer);
      var type = response.headers.get("Content-Type") || "";
      if (response.ok && type.indexOf("application/json") === 0) {
        return response.json().then(function (answer) { return { go: answer.go }; });
      }
      return { error: true };  // the server refused it: let it show why
    }, function (err) { clearTimeout(timer); throw err; });
  }

  function nativeSubmit(form, name, value) {
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = name;
    field.value = value;
    form.appendChild(field);
    HTMLFormElement.prototype.submit.call(form);
  }

  // --- Screens without a session (help numbers) go back to the lock screen ---
  var returnAfter = parseInt(body.getAttribute("data-return-after") || "0", 10);
  if (returnAfter) {
    var returnTimer = null;
    var returnSoon = function () {
      clearTimeout(returnTimer);
      returnTimer = setTimeout(function () { window.location.replace(body.getAttribute("data-return-url")); }, returnAfter * 1000);
    };
    ["pointerdown", "keydown", "touchstart", "scroll"].forEach(function (name) {
      document.addEventListener(name, returnSoon, { passive: true });
    });
    returnSoon();
  }

  // --- Idle lock, with a prompt 30 s before it ------------------------------
  var seconds = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
  var lockForm = document.getElementById("idle-lock");
  var dialog = document.getElementById("still-there");
  var hereButton = document.getElementById("still-here");
  var warnTimer = null;
  var lockTimer = null;
  var session = document.querySelector("[data-ref]");
  var currentRef = session ? session.getAttribute("data-ref") : "";

  function lockNow() {
    if (!lockForm) { return; }
    if (!navigator.onLine && currentRef) {  // offline: the server learns of it later
      Sync.enqueue(currentRef, { kind: "lock", id: Sync.uid(), at: new Date().toISOString() })
        .then(function () { go(lockForm.getAttribute("action")); });
      return;
    }
    lockForm.submit();
  }

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
        if (url && navigator.onLine) { post(url).catch(function () { /* offline: the page keeps its own timer */ }); }
      });
    }
    if (dialog) {  // Escape closes a modal dialog: treat it as "I'm here"
      dialog.addEventListener("cancel", function (event) { event.preventDefault(); if (hereButton) { hereButton.click(); } });
    }
    resetIdle();
  }

  // --- The survey page -------------------------------------------------------
  var page = document.getElementById("page-form");
  if (page) { surveyPage(page); }

  function answerFields(form) {
    var fields = {};
    form.querySelectorAll("fieldset.question input").forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
      if (input.value !== "") { fields[input.name] = input.value; }
    });
    return fields;
  }

  function fill(form, fields) {
    form.querySelectorAll("fieldset.question input").forEach(function (input) {
      if (input.type === "radio") { input.checked = fields[input.name] === input.value; }
      else if (input.type === "checkbox") { input.checked = fields[input.name] === input.value; }
      else { input.value = fields[input.name] || ""; }
    });
  }

  /** Questions still to answer on this page, shown the way the server shows them. */
  function checkAnswers(form) {
    var missing = [];
    form.querySelectorAll("fieldset.question").forEach(function (fs) {
      var error = fs.querySelector(".error");
      var message = form.getAttribute("data-choose-message");
      var ok;
      if (fs.getAttribute("data-kind") === "choice") {
        ok = !!fs.querySelector("input[type=radio]:checked");
      } else {
        var input = fs.querySelector("input[type=number]");
        var declined = fs.querySelector("input[type=checkbox]:checked");
        var value = Number(input.value);
        var inRange = input.value !== "" && Number.isInteger(value) && value >= Number(input.min) && value <= Number(input.max);
        ok = !!declined || inRange;
        if (!ok && input.value !== "") { message = input.getAttribute("data-range-message"); }
      }
      fs.classList.toggle("missing", !ok);
      if (error) { error.hidden = ok; error.textContent = ok ? "" : message; }
      if (ok) { fs.removeAttribute("aria-describedby"); } else { fs.setAttribute("aria-describedby", error.id); missing.push(fs); }
    });
    var note = document.getElementById("missing-msg");
    if (note) {
      note.hidden = missing.length === 0;
      note.textContent = missing.length === 1 ? note.getAttribute("data-one") : note.getAttribute("data-many").replace("{n}", missing.length);
    }
    if (missing.length) { missing[0].scrollIntoView({ block: "center" }); }
    return missing.length === 0;
  }

  /** True when an answer on the page meets a safety rule (the same rules the server applies). */
  function riskFires(form) {
    var fires = false;
    form.querySelectorAll("fieldset.question[data-alert]").forEach(function (fs) {
      var rule = fs.getAttribute("data-alert").split(" ");
      var chosen = fs.querySelector("input[type=radio]:checked, input[type=number]");
      if (!chosen || chosen.value === "" || chosen.value === "declined") { return; }
      var v = Number(chosen.value);
      var t = Number(rule[1]);
      var ops = { ">=": v >= t, "<=": v <= t, "==": v === t, ">": v > t, "<": v < t };
      fires = fires || !!ops[rule[0]];
    });
    return fires;
  }

  function surveyPage(form) {
    var d = form.dataset;
    var ref = d.ref;
    var n = parseInt(d.n, 10);
    var keyField = form.querySelector("input[name=submission_key]");
    var sending = false;

    Sync.remember({ ref: ref, key: d.syncKey, syncUrl: d.syncUrl, lang: d.lang });
    Store.put("meta", { key: "current", ref: ref, lang: d.lang }).catch(function () {});
    if (d.offlineCopy) {
      keyField.value = Sync.uid();  // a cached copy is shown many times: each showing is a new submission
      Store.get("pages", [ref, n]).then(function (saved) { if (saved) { fill(form, saved.fields); } }).catch(function () {});
    } else {
      Sync.cacheSession(ref, d.packUrl);
      snapshot();
    }

    function snapshot() {
      return Store.put("pages", { ref: ref, n: n, fields: answerFields(form) }).catch(function () {});
    }

    // drafts: every change is kept on the tablet and, online, on the server
    var draftTimer = null;
    function saveDraft() {
      clearTimeout(draftTimer);
      draftTimer = null;
      if (d.draftUrl && navigator.onLine && !d.offlineCopy) {
        post(d.draftUrl, new FormData(form)).catch(function () { /* offline: kept on the tablet */ });
      }
    }
    form.addEventListener("change", function () {
      snapshot();
      clearTimeout(draftTimer);
      draftTimer = setTimeout(saveDraft, 250);
    });
    form.addEventListener("input", function (event) {
      if (event.target && event.target.type === "number") {
        snapshot();
        clearTimeout(draftTimer);
        draftTimer = setTimeout(saveDraft, 600);
      }
    });
    window.addEventListener("pagehide", function () {
      if (draftTimer && d.draftUrl && navigator.sendBeacon && navigator.onLine) {
        var data = new FormData(form);
        data.append("csrf_token", csrf);
        navigator.sendBeacon(d.draftUrl, data);
      }
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (sending) { return; }  // a second tap on Next/Finish is ignored
      var by = event.submitter;
      var action = by && by.name === "action" ? by.value : "next";
      if (action === "next" && !checkAnswers(form)) { return; }  // shown at once, online or not
      var data = new FormData(form);
      data.set("action", action);
      sending = true;
      snapshot();
      var online = navigator.onLine ? submitOnline(form, data, ref) : Promise.reject(new Error("offline"));
      online.then(function (result) {
        if (result.go) { go(result.go); } else { nativeSubmit(form, "action", action); }
      }, function () {
        sending = false;
        offline(action, by);
      });
    });

    function offline(action, by) {
      var answered = new Date().toISOString();
      var item = { kind: "page", id: keyField.value, n: n, action: action, fields: answerFields(form), answered_at: answered };
      if (action.indexOf("lang:") === 0) {
        var lang = action.slice(5);
        Store.put("meta", { key: "current", ref: ref, lang: lang }).catch(function () {});
        Sync.enqueue(ref, { kind: "lang", id: Sync.uid(), lang: lang }).then(function () {
          return Sync.remember({ ref: ref, lang: lang });
        }).then(function () { goCopy(by.getAttribute("data-offline-url")); });
        return;
      }
      if (action === "back") {
        item.action = "back";
        Sync.enqueue(ref, item).then(function () { goCopy(d.prevUrl || window.location.href); });
        return;
      }
      if (!checkAnswers(form)) { return; }
      sending = true;
      var crisis = riskFires(form);
      var after = n + 1 < parseInt(d.count, 10) ? n + 1 : "done";
      Sync.enqueue(ref, item).then(function () {
        if (crisis) {
          return Sync.remember({ ref: ref, crisisNext: after }).then(function () { goCopy(d.supportUrl); });
        }
        goCopy(after === "done" ? d.doneUrl : d.nextUrl);
      }, function () {
        sending = false;  // the tablet could not keep it: stay, nothing is lost from the screen
      });
    }
  }

  // --- The crisis message's choices -----------------------------------------
  var choices = document.getElementById("choice-form");
  if (choices) {
    choices.addEventListener("submit", function (event) {
      event.preventDefault();
      var d = choices.dataset;
      var choice = event.submitter ? event.submitter.value : "continue";
      var data = new FormData(choices);
      data.set("choice", choice);
      var online = navigator.onLine ? submitOnline(choices, data, d.ref) : Promise.reject(new Error("offline"));
      online.then(function (result) {
        if (result.go) { go(result.go); } else { nativeSubmit(choices, "choice", choice); }
      }, function () {
        Sync.enqueue(d.ref, { kind: "choice", id: Sync.uid(), choice: choice, at: new Date().toISOString() })
          .then(function () { return Store.get("sessions", d.ref); })
          .then(function (info) {
            if (choice === "talk") { return goCopy(d.talkUrl); }
            if (choice === "stop") { return goCopy(d.stopUrl); }
            var next = d.continueUrl || ((info && info.crisisNext === "done") ? d.doneUrl : d.pagePattern.replace("{n}", info ? info.crisisNext : 0));
            goCopy(next);
          });
      });
    });
  }

  // --- Screens after a session: forget its answers, keep only what waits to be sent
  if (document.querySelector("[data-end-screen]")) { Sync.endSessions(); }

  // a "Back" that returns to the page the participant came from (offline help)
  var back = document.querySelector("[data-history-back]");
  if (back && window.history.length > 1) {
    back.addEventListener("click", function (event) { event.preventDefault(); window.history.back(); });
  }

  // a missing answer shown by the server: bring the first one into view
  var missing = document.querySelector(".question.missing");
  if (missing) { missing.scrollIntoView({ block: "center" }); }
})();
