// Keeping pages on the tablet and sending them when the network is back.
//
// A page answered offline is put in the tablet's queue (IndexedDB) with its
// submission key and the time it was answered, before the tablet moves on.
// The queue is sent in order, session by session, to /kiosk/sync with that
// session's sync key; the server accepts each page once (by its key), and
// only what the server acknowledged is deleted from the tablet.
(function () {
  "use strict";
  var Store = window.KioskStore;
  var flushing = null;
  var retryTimer = null;
  var retryDelay = 2000;
  var BATCH = 50;

  function uid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function remember(info) {
    return Store.get("sessions", info.ref).then(function (old) {
      var merged = Object.assign({}, old || {}, info);
      return Store.put("sessions", merged).then(function () { return merged; });
    });
  }

  function enqueue(ref, item) {
    return Store.enqueue(ref, item).then(function () { updateStatus(); });
  }

  function send(ref, rows) {
    return Store.get("sessions", ref).then(function (info) {
      if (!info || !info.key) { return; }  // not sendable from here; kept
      var batch = rows.slice(0, BATCH);
      return fetch(info.syncUrl, {
        method: "POST",
        credentials: "omit",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ ref: ref, key: info.key, items: batch.map(function (r) { return r.item; }) }),
      }).then(function (response) {
        if (response.status === 503) {  // the server is busy with other tablets' queues: again shortly
          var wait = 1000 * (parseInt(response.headers.get("Retry-After") || "1", 10) + Math.random() * 2);
          return new Promise(function (resolve) { setTimeout(resolve, wait); }).then(function () {
            return Store.queued(ref).then(function (rest) { return send(ref, rest); });
          }).then(function () { return null; });
        }
        if (!response.ok) { throw new Error("sync answered " + response.status); }
        return response.json();
      }).then(function (answer) {
        if (answer === null) { return; }  // sent again after waiting
        var settled = {};
        (answer.done || []).forEach(function (id) { settled[id] = true; });
        (answer.failed || []).forEach(function (f) { settled[f.id] = true; });
        var deletions = batch.filter(function (r) { return settled[r.item.id]; }).map(function (r) { return Store.remove("queue", r.seq); });
        return Promise.all(deletions).then(function () {
          if (rows.length > batch.length) { return Store.queued(ref).then(function (rest) { return send(ref, rest); }); }
        });
      });
    });
  }

  function sendAll() {
    return Store.all("queue").then(function (rows) {
      var refs = [];
      rows.sort(function (a, b) { return a.seq - b.seq; }).forEach(function (r) { if (refs.indexOf(r.ref) < 0) { refs.push(r.ref); } });
      // one session's failure (no network for it, say) does not hold back the others
      return Promise.allSettled(refs.map(function (ref) { return sendSession(ref); }));
    }).then(function () { return Store.count("queue"); });
  }

  function sendSession(ref) {
    return Store.queued(ref).then(function (mine) { return mine.length ? send(ref, mine) : null; })
      .then(function () { return Store.queued(ref); })
      .then(function (left) { return left.length; });
  }

  /**
   * Send what is queued, oldest first: one session's items (``ref``), or all.
   * Resolves when they are all acknowledged; rejects (and retries later) otherwise.
   */
  function flush(ref) {
    if (!ref && flushing) { return flushing; }
    var work = (ref ? sendSession(ref) : sendAll()).then(function (left) {
      if (left) { throw new Error(left + " items left"); }
      retryDelay = 2000;
    }).catch(function (err) {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(function () { flush().catch(function () {}); }, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
      throw err;
    }).finally(function () {
      if (!ref) { flushing = null; }
      updateStatus();
    });
    if (!ref) { flushing = work; }
    return work;
  }

  function updateStatus() {
    Store.all("queue").then(function (rows) {
      var current = document.querySelector("[data-ref]");
      var ref = current ? current.getAttribute("data-ref") : null;
      var mine = rows.filter(function (r) { return r.ref === ref; }).length;
      var note = document.getElementById("offline-note");
      if (note) { note.hidden = mine === 0; }
      var pages = rows.filter(function (r) { return r.item.kind === "page"; }).length;
      document.querySelectorAll("[data-queue-status]").forEach(function (el) {
        el.hidden = rows.length === 0;
        el.textContent = rows.length === 0 ? "" :
          pages + (pages === 1 ? " page" : " pages") + " waiting to send (" + rows.length + " items in all). They are sent when this tablet is back online; do not clear this browser's data.";
      });
    }).catch(function () { /* storage unavailable: nothing to show */ });
  }

  function worker() {
    if (!("serviceWorker" in navigator)) { return Promise.resolve(null); }
    return navigator.serviceWorker.ready;
  }

  function tell(message) {
    return worker().then(function (reg) {
      if (!reg || !reg.active) { return null; }
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) { resolve(event.data); };
        reg.active.postMessage(message, [channel.port2]);
        setTimeout(function () { resolve(null); }, 20000);
      });
    });
  }

  /** Resolves true once every address is in the caches, as this page sees them (within ``ms``). */
  function visible(urls, ms) {
    var deadline = Date.now() + ms;
    function check() {
      return Promise.all(urls.map(function (url) {
        return caches.match(url, { ignoreVary: true, ignoreSearch: true });
      })).then(function (hits) {
        if (hits.every(Boolean)) { return true; }
        if (Date.now() > deadline) { return false; }
        return new Promise(function (resolve) { setTimeout(resolve, 150); }).then(check);
      });
    }
    return check();
  }

  /**
   * Once per session: have the service worker keep every page and screen of it.
   * The session counts as kept only when this page can itself find every copy
   * (the worker's writes reach other pages a little later).
   */
  function cacheSession(ref, packUrl) {
    return Store.get("sessions", ref).then(function (info) {
      if ((info && info.cached) || !navigator.onLine || !window.caches) { return; }
      return fetch(packUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (pack) {
        return tell({ type: "cache-session", ref: ref, urls: pack.urls, shared: pack.shared }).then(function (reply) {
          return reply && reply.ok ? visible(pack.urls.concat(pack.shared), 10000) : false;
        });
      }).then(function (kept) {
        if (kept) { return remember({ ref: ref, cached: true }); }
      });
    }).catch(function () { /* tried again on the next page */ });
  }

  /**
   * The session is over on this tablet: forget its answers and its cached pages, and the
   * keys of sessions with nothing left to send.
   */
  function endSessions() {
    return Promise.all([Store.clear("pages"), Store.remove("meta", "current")])
      .then(forgetSent)
      .then(function () { return tell({ type: "drop-sessions" }); })
      .catch(function () { /* nothing stored */ });
  }

  function forgetSent() {
    return Promise.all([Store.all("sessions"), Store.all("queue")]).then(function (both) {
      var waiting = {};
      both[1].forEach(function (row) { waiting[row.ref] = true; });
      return Promise.all(both[0].filter(function (info) { return !waiting[info.ref]; })
        .map(function (info) { return Store.remove("sessions", info.ref); }));
    });
  }

  function checkStorage() {
    var warning = document.querySelector("[data-storage-warning]");
    if (!warning || !navigator.storage || !navigator.storage.persisted) { return; }
    navigator.storage.persisted().then(function (persisted) {
      return persisted || navigator.storage.persist();
    }).then(function (persisted) { warning.hidden = !!persisted; });
  }

  if ("serviceWorker" in navigator && document.body.getAttribute("data-sw-url")) {
    navigator.serviceWorker.register(document.body.getAttribute("data-sw-url"), { scope: document.body.getAttribute("data-sw-scope") || "/kiosk/" })
      .catch(function () { /* offline pages need HTTPS (or localhost) */ });
  }
  window.addEventListener("online", function () { flush().catch(function () {}); });
  document.addEventListener("DOMContentLoaded", function () {
    updateStatus();
    checkStorage();
    if (navigator.onLine) { flush().catch(function () {}); }
  });

  window.KioskSync = {
    uid: uid,
    remember: remember,
    enqueue: enqueue,
    flush: flush,
    cacheSession: cacheSession,
    endSessions: endSessions,
    updateStatus: updateStatus,
  };
})();
