/* Osuva service worker: the participant pages keep opening without a connection.
 * Served at /p/sw.js (dialogue/participate/offline.py fills in the version and the file
 * list), so it controls the pages under /p/ only. Pages: network first, the last copy
 * if the network fails or is very slow. Static files: from the cache of this version.
 * A new deploy has a new version: its cache replaces the old ones. Only GET requests of
 * this origin are touched; posts (answers) always go to the network. */
"use strict";
var VERSION = "__VERSION__";
var CACHE = "osuva-" + VERSION;
var PRECACHE = ["__PRECACHE__"];
/* On a poor connection: how long a page may take before the kept copy is shown. */
var SLOW_MS = 6000;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(PRECACHE); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("osuva-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function keepable(response) {
  return response && response.ok && response.type === "basic";
}

/* A page: the network's answer (kept for later), or the kept copy when the network fails
 * or is slower than SLOW_MS and a copy exists. */
function page(request) {
  return caches.open(CACHE).then(function (cache) {
    var network = fetch(request).then(function (response) {
      if (keepable(response)) { cache.put(request.url.split("#")[0], response.clone()); }
      return response;
    });
    /* This very address's copy; an address without a query may also have any copy of its
     * page (e.g. the one kept after a form's redirect). An address with a query never gets
     * another query's copy: a walk's other station must not open in its place. */
    var url = request.url.split("#")[0];
    var kept = cache.match(url).then(function (copy) {
      return copy || (new URL(url).search ? undefined : cache.match(url, { ignoreSearch: true }));
    });
    var slow = new Promise(function (resolve) {
      setTimeout(function () { kept.then(function (copy) { if (copy) { resolve(copy); } }); }, SLOW_MS);
    });
    var fallback = network.catch(function (error) {
      return kept.then(function (copy) { if (copy) { return copy; } throw error; });
    });
    return Promise.race([fallback, slow]);
  });
}

/* A page asks to keep copies of the pages it links to (`data-offline-page`): fetched now,
 * while online, so that they open later without a connection. Same-origin /p/ pages only. */
self.addEventListener("message", function (event) {
  var urls = (event.data && Array.isArray(event.data.keep) ? event.data.keep : []).filter(function (u) {
    try {
      var url = new URL(u, self.location.href);
      return url.origin === self.location.origin && url.pathname.indexOf("/p/") === 0;
    } catch (error) { return false; }
  }).slice(0, 50);
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (u) {
      /* The header (dialogue/web/offline_copy.py): a copy, not the person opening the page. */
      return fetch(u, { credentials: "same-origin", headers: { "Osuva-Offline-Copy": "1" } }).then(function (response) {
        if (keepable(response)) { return cache.put(u.split("#")[0], response); }
      }).catch(function () { /* offline again: the next page load asks once more */ });
    }));
  }));
});

function staticFile(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (copy) {
      return copy || fetch(request).then(function (response) {
        if (keepable(response)) { cache.put(request, response.clone()); }
        return response;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && url.pathname.indexOf("/p/") === 0) {
    event.respondWith(page(request));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(staticFile(request));
  }
});
