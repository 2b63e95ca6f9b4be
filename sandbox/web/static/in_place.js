/* Pages change in place, as the single-page apps they stand for do (Partner Center, the Microsoft 365 admin
   center, the Microsoft sign-in): a click on a link of this app, or a form sent, fetches the next page and
   swaps its body and title in, with the address updated, instead of loading a new document.

   The server answers exactly as for a plain click or post (redirects, inline errors with status 400, ...),
   so every page also works without this script. What it does not handle goes to the browser as usual:
   other windows and sites, downloads, links marked data-full-load, modified clicks, and any answer that is
   not a page of this app (then the browser opens the answer's address itself).

   Each page's <body> carries data-app (which app) and data-page (an id new with every answer), so that a
   test can wait for the next page after a click, whether it came in place or as a new document. */
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser || !window.URLSearchParams || !window.history.pushState) { return; }

  var busy = false;

  function inApp(url) {
    if (url.origin !== window.location.origin) { return false; }
    var prefixes = (document.body.getAttribute("data-in-place") || "").toLowerCase().split(" ");
    var path = url.pathname.toLowerCase();
    return prefixes.some(function (prefix) { return prefix && path.indexOf(prefix) === 0; });
  }

  function styles(doc) {
    return Array.prototype.map.call(doc.querySelectorAll("link[rel=stylesheet]"), function (link) {
      return link.getAttribute("href");
    }).join(" ");
  }

  function show(html, url, hash, push) {
    var next = new DOMParser().parseFromString(html, "text/html");
    var body = next.body;
    if (!body || body.getAttribute("data-app") !== document.body.getAttribute("data-app") ||
        styles(next) !== styles(document)) {
      return false;
    }
    document.title = next.title;
    document.body.replaceWith(document.adoptNode(body));
    var address = url + (hash || "");
    if (push) { window.history.pushState({ inPlace: true }, "", address); }
    else { window.history.replaceState({ inPlace: true }, "", address); }
    var target = hash && document.getElementById(decodeURIComponent(hash.slice(1)));
    if (target) { target.scrollIntoView(); } else { window.scrollTo(0, 0); }
    // Focus as a new document would place it: the field marked autofocus, else the first field a refused form
    // marked invalid (its message is tied to it), else the page's heading, so that a screen reader tells the
    // new page (a swap by itself says nothing).
    var focus = document.querySelector("[autofocus]") || document.querySelector("main [aria-invalid=true]");
    if (!focus) {
      focus = document.querySelector("main h1") || document.querySelector("h1");
      if (focus) { focus.setAttribute("tabindex", "-1"); }
    }
    if (focus) { focus.focus({ preventScroll: !!target }); }
    announce();
    document.dispatchEvent(new CustomEvent("sandbox:page"));
    return true;
  }

  // A live region swapped in already holding its message ("Quantity updated.", "You authorized ...", a refusal)
  // is usually not spoken: screen readers speak a region's changes, not its arrival. Each one's text is put
  // back a moment after the swap, so that it is a change, as on a page where it appeared.
  function announce() {
    var regions = document.querySelectorAll("[role=status], [role=alert]");
    Array.prototype.forEach.call(regions, function (region) {
      var text = region.textContent;
      if (!text.trim() || region.children.length) { return; }  // a plain message only; markup is left alone
      region.textContent = "";
      window.setTimeout(function () { region.textContent = text; }, 50);
    });
  }

  // fallback(): what the browser would have done (used when the fetch itself fails). fetch sends the
  // app's cookies by default (same origin).
  function go(url, init, hash, fallback) {
    busy = true;
    window.fetch(url.split("#")[0], init)
      .then(function (response) {
        var html = (response.headers.get("Content-Type") || "").indexOf("text/html") === 0;
        return (html ? response.text() : Promise.resolve(null)).then(function (text) {
          var sameAddress = response.url === window.location.href.split("#")[0];
          if (text === null || !show(text, response.url, hash, !sameAddress)) {
            window.location.assign(response.url + (hash || ""));
          }
        });
      }, function () { fallback(); })
      .then(function () { busy = false; }, function () { busy = false; });
  }

  // On window, so that a page's own handlers (on document and below) act first and may keep the event.
  window.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    var link = event.target.closest("a[href]");
    if (!link || link.hasAttribute("download") || link.hasAttribute("data-full-load") ||
        (link.target && link.target !== "_self")) { return; }
    var url = new URL(link.href, window.location.href);
    if (!inApp(url)) { return; }
    if (url.hash && url.pathname === window.location.pathname && url.search === window.location.search) { return; }
    event.preventDefault();
    if (busy) { return; }
    go(url.href, {}, url.hash, function () { window.location.assign(url.href); });
  });

  window.addEventListener("submit", function (event) {
    // Attributes, not properties: a field named "action" or "method" would shadow form.action / form.method.
    var form = event.target;
    var submitter = event.submitter || null;
    var attribute = function (name) {
      return (submitter && submitter.getAttribute("form" + name)) || form.getAttribute(name) || "";
    };
    var target = attribute("target");
    if (event.defaultPrevented || (target && target !== "_self")) { return; }
    var action = new URL(attribute("action") || window.location.href, window.location.href);
    var method = (attribute("method") || "get").toUpperCase();
    if (!inApp(action) || (method !== "GET" && method !== "POST")) { return; }
    event.preventDefault();
    if (busy) { return; }
    var fields = new URLSearchParams(new FormData(form, submitter));
    if (method === "GET") { action.search = fields.toString(); }
    go(action.href, method === "GET" ? {} : { method: "POST", body: fields }, "", function () {  // as the browser would have sent it, the submitter's name and value included
      if (submitter && submitter.name) {
        var pressed = document.createElement("input");
        pressed.type = "hidden";
        pressed.name = submitter.name;
        pressed.value = submitter.value;
        form.appendChild(pressed);
      }
      form.submit();
    });
  });

  // Back and forward to an address swapped in: load it (the server renders it as it is now).
  window.addEventListener("popstate", function () { window.location.reload(); });
}());
