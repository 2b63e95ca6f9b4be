/* The portal's little JavaScript: copy buttons, the Update toggles, the DAP reload, the mailto link.
   Every page also works without it (forms post to the server). No network, no libraries. */
(function () {
  "use strict";

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function say(id, message) {
    var status = id && document.getElementById(id);
    if (!status) { return; }
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 30);
  }

  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy-text], [data-copy-from]");
    if (copy) {
      var source = copy.getAttribute("data-copy-from");
      var text = source ? document.getElementById(source).value : copy.getAttribute("data-copy-text");
      var statusId = copy.getAttribute("data-copy-status");
      copyText(text).then(
        function () { say(statusId, "Copied to clipboard"); },
        function () { say(statusId, "Couldn't copy. Select the text and copy it with Ctrl+C."); }
      );
      return;
    }
    var reveal = event.target.closest("[data-reveal]");
    if (reveal) {
      event.preventDefault();
      var target = document.getElementById(reveal.getAttribute("data-reveal"));
      if (target) {
        target.hidden = false;
        reveal.setAttribute("aria-expanded", "true");
        var first = target.querySelector("input:not([type=hidden])");
        if (first) { first.focus(); }
      }
    }
  });

  function init() {
    // With JavaScript, Update only reveals the fields; Enter in a field then submits Next: Review.
    document.querySelectorAll("button[data-reveal]").forEach(function (button) { button.type = "button"; });

    // Include delegated administration privileges: the email switches in place (without JavaScript, Apply
    // reloads the page). An untouched text becomes the other one; in an edited text only the link's DAP and
    // the privileges' clause change, so the partner's own words stay (the clause goes after its words, or,
    // when the partner took them out, as a sentence of its own on the line before the link).
    document.querySelectorAll("[data-dap-switch]").forEach(function (box) {
      var area = document.getElementById(box.getAttribute("data-dap-switch"));
      if (!area) { return; }
      box.addEventListener("change", function () {
        var to = box.checked ? "true" : "false";
        var from = box.checked ? "false" : "true";
        var text = area.value.replace(/\r\n/g, "\n");
        if (text === area.getAttribute("data-text-" + from)) {
          text = area.getAttribute("data-text-" + to);
        } else {
          var url = area.getAttribute("data-url-" + to);
          text = text.split(area.getAttribute("data-url-" + from)).join(url);
          var clause = area.getAttribute("data-dap-clause");
          var anchor = area.getAttribute("data-dap-anchor");
          var sentence = area.getAttribute("data-dap-sentence");
          if (!box.checked) {
            text = text.split(sentence + "\n").join("").split(clause).join("");
          } else if (text.indexOf(clause) === -1 && text.indexOf(sentence) === -1) {
            text = text.indexOf(anchor) !== -1 ? text.replace(anchor, anchor + clause) : text.split(url).join(sentence + "\n" + url);
          }
        }
        area.value = text;
        area.dispatchEvent(new Event("input"));  // Open in email follows
        say(box.getAttribute("data-dap-status"), box.checked  // the change, spoken: the text changed out of sight
          ? "The email message now asks for delegated administration privileges."
          : "The email message no longer asks for delegated administration privileges.");
        var address = new URL(window.location.href);
        address.searchParams.set("dap", to);
        window.history.replaceState(window.history.state, "", address.toString());  // a reload keeps the choice
      });
    });

    // Open in email follows the edited text (subject line + body).
    document.querySelectorAll("textarea[data-mailto-link]").forEach(function (area) {
      var link = document.getElementById(area.getAttribute("data-mailto-link"));
      function update() {
        var text = area.value.replace(/\r\n/g, "\n");
        var subject = "";
        var body = text;
        var firstBreak = text.indexOf("\n");
        var first = firstBreak === -1 ? text : text.slice(0, firstBreak);
        if (first.indexOf("Subject:") === 0) {
          subject = first.slice("Subject:".length).trim();
          body = (firstBreak === -1 ? "" : text.slice(firstBreak + 1)).replace(/^\n+/, "");
        }
        link.href = "mailto:?subject=" + encodeURIComponent(subject) +
          "&body=" + encodeURIComponent(body.replace(/\n/g, "\r\n"));
      }
      if (link) { area.addEventListener("input", update); }
      // "Copied to clipboard" said what the clipboard holds: once the text changes, it no longer does
      area.addEventListener("input", function () {
        document.querySelectorAll("[data-copy-from='" + area.id + "']").forEach(function (button) {
          var status = document.getElementById(button.getAttribute("data-copy-status"));
          if (status) { status.textContent = ""; }
        });
      });
    });

    // "Person who accepted" follows the primary contact, or the Update fields when filled.
    var person = document.querySelector("[data-person]");
    if (person) {
      var holder = document.getElementById("person-who-accepted");
      var fallback = holder ? holder.getAttribute("data-person-default") : "";
      var read = function (selector) {
        var el = document.querySelector(selector);
        return el ? el.value.trim() : "";
      };
      var refresh = function () {
        var who = read('[data-accepted="first"]') ? "accepted" : "contact";
        var first = read("[data-" + who + '="first"]');
        var last = read("[data-" + who + '="last"]');
        var email = read("[data-" + who + '="email"]');
        person.textContent = (first || last || email) ? (first + " " + last + " (" + email + ")") : fallback;
      };
      document.querySelectorAll("[data-contact], [data-accepted]").forEach(function (el) {
        el.addEventListener("input", refresh);
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  document.addEventListener("sandbox:page", init);  // a page swapped in by in_place.js
}());
