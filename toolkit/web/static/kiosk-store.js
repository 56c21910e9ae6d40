// The tablet's own storage (IndexedDB), shared by the kiosk pages and the service worker.
//
//   queue    pages and choices answered while offline, in the order they were made,
//            each with its session, until the server acknowledges them
//   sessions per session: its sync key and address, the language, the page after a crisis
//   pages    the answers on screen of each page of the current session (to show them
//            again offline); deleted when the session ends or the tablet locks
//   meta     "current": the session this tablet is answering now
(function (scope) {
  "use strict";
  var NAME = "peer-outcomes-kiosk";
  var VERSION = 1;
  var opening = null;

  function open() {
    if (opening) { return opening; }
    opening = new Promise(function (resolve, reject) {
      var request = scope.indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        var queue = db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
        queue.createIndex("ref", "ref");
        db.createObjectStore("sessions", { keyPath: "ref" });
        db.createObjectStore("pages", { keyPath: ["ref", "n"] });
        db.createObjectStore("meta", { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { opening = null; reject(request.error); };
    });
    return opening;
  }

  // The queue is written with strict durability: the write is on disk (flushed) before the
  // tablet moves on, so a page shown as saved survives a flat battery.
  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var strict = store === "queue" && mode === "readwrite";
        var tx = strict ? db.transaction(store, mode, { durability: "strict" }) : db.transaction(store, mode);
        var result;
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
        var request = work(tx.objectStore(store));
        if (request) { request.onsuccess = function () { result = request.result; }; }
      });
    });
  }

  scope.KioskStore = {
    put: function (store, value) { return run(store, "readwrite", function (s) { return s.put(value); }); },
    get: function (store, key) { return run(store, "readonly", function (s) { return s.get(key); }); },
    all: function (store) { return run(store, "readonly", function (s) { return s.getAll(); }); },
    remove: function (store, key) { return run(store, "readwrite", function (s) { return s.delete(key); }); },
    clear: function (store) { return run(store, "readwrite", function (s) { return s.clear(); }); },
    count: function (store) { return run(store, "readonly", function (s) { return s.count(); }); },
    /** Queued items of one session, oldest first. */
    queued: function (ref) {
      return run("queue", "readonly", function (s) { return s.index("ref").getAll(ref); }).then(function (rows) {
        return (rows || []).sort(function (a, b) { return a.seq - b.seq; });
      });
    },
    /** Add an item to the queue; resolves once it is on the tablet's disk. */
    enqueue: function (ref, item) {
      return run("queue", "readwrite", function (s) { return s.add({ ref: ref, item: item, queuedAt: Date.now() }); });
    },
  };
})(typeof self !== "undefined" ? self : window);
