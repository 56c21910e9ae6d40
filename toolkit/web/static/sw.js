// The kiosk's service worker: keeps the pages of the session in progress so the
// survey goes on without the network.
//
// - When a session starts, the page asks it to cache every page and screen of
//   that session in both languages ("kiosk-session-<ref>"), plus the lock screen,
//   the styles and scripts ("kiosk-shared"). None of these hold answers.
// - Pages are fetched from the network first; when that fails, the cached copy
//   is shown: the current session's copy of the same page, else the lock screen.
// - When a session ends, its cached pages are deleted.
// Answers waiting to be sent are not here: they are in IndexedDB (kiosk-sync.js).
/* global KioskStore */
"use strict";
importScripts("/static/kiosk-store.js");

var SHARED = "kiosk-shared";
var SESSION_PREFIX = "kiosk-session-";
var NAVIGATION_TIMEOUT_MS = 6000;
// The server's pages say "Vary: Cookie"; copies are found by their address alone.
var BY_ADDRESS = { ignoreVary: true, ignoreSearch: true };

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function cacheAll(name, urls) {
  return caches.open(name).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      return fetch(url, { credentials: "same-origin", cache: "no-store", redirect: "error" }).then(function (response) {
        if (!response.ok || response.redirected) { throw new Error(url + " answered " + response.status); }
        return cache.put(url, response);
      });
    }));
  });
}

function dropSessions(keep) {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf(SESSION_PREFIX) === 0 && n !== SESSION_PREFIX + keep;
    }).map(function (n) { return caches.delete(n); }));
  });
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  var reply = function (answer) { if (event.ports[0]) { event.ports[0].postMessage(answer); } };
  if (data.type === "cache-session") {
    // one session's pages at a time: a new session replaces the last one's
    event.waitUntil(dropSessions(data.ref)
      .then(function () { return cacheAll(SHARED, data.shared || []); })
      .then(function () { return cacheAll(SESSION_PREFIX + data.ref, data.urls || []); })
      .then(function () { reply({ ok: true, count: (data.urls || []).length }); },
            function (err) { reply({ ok: false, error: String(err) }); }));
  } else if (data.type === "drop-sessions") {
    event.waitUntil(dropSessions(null).then(function () { reply({ ok: true }); }));
  }
});

function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, ms);
    promise.then(function (v) { clearTimeout(timer); resolve(v); }, function (e) { clearTimeout(timer); reject(e); });
  });
}

/** The cached copy to show for a kiosk address when the network is down. */
function fallback(url) {
  return KioskStore.get("meta", "current").catch(function () { return null; }).then(function (current) {
    var path = url.pathname;
    var copy = null;
    if (current) {
      var base = "/kiosk/offline/" + current.ref + "/" + current.lang + "/";
      var pageMatch = path.match(/^\/kiosk\/page\/(\d+)$/);
      if (pageMatch) { copy = base + "page/" + pageMatch[1]; }
      else if (path === "/kiosk/support") { copy = base + "support"; }
      else if (path === "/kiosk/waiting") { copy = base + "waiting"; }
      else if (path === "/kiosk/help") { copy = base + "help"; }
      else if (path === "/kiosk/done") { copy = base + "done"; }
    }
    return (copy ? caches.match(copy, BY_ADDRESS) : Promise.resolve(null)).then(function (hit) {
      return hit || caches.match("/kiosk/offline-lock", BY_ADDRESS);
    }).then(function (hit) {
      return hit || new Response("<!doctype html><title>Offline</title><p>This tablet is offline.</p>", {
        status: 503, headers: { "Content-Type": "text/html; charset=utf-8" },
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/kiosk/offline/") === 0) {
    // a copy of this session's page: the cached one, else the network
    event.respondWith(caches.match(url.pathname, BY_ADDRESS).then(function (hit) {
      return hit || withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS).catch(function () { return fallback(url); });
    }));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS).catch(function () { return fallback(url); }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0 || url.pathname === "/kiosk/manifest.webmanifest") {
    event.respondWith(fetch(request).catch(function () {
      return caches.match(url.pathname, BY_ADDRESS).then(function (hit) { return hit || Response.error(); });
    }));
  }
});
