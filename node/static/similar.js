/* Similar initiatives while a new initiative is written: asks the node's own /edit/similar
   (never an aggregator directly) a moment after the person stops typing, and shows the list.
   "We reuse this" adds the initiative's IRI to the form's Reuses field. Without this script the
   form's "Find similar" and "We reuse this" buttons post the draft back to the server instead. */
(function () {
  "use strict";
  var box = document.getElementById("similar");
  var form = document.getElementById("edit-form");
  if (!box || !form || !window.fetch) { return; }
  var results = document.getElementById("similar-results");
  var status = document.getElementById("similar-status");
  var fields = ["f-title_sv", "f-title_en", "f-description_sv", "f-description_en"]
    .map(function (id) { return document.getElementById(id); })
    .filter(function (el) { return el; });
  var reuses = document.getElementById("f-reuses");
  var DELAY = 600;
  var MAX = 4000;
  var timer = null;
  var asked = "";
  var sequence = 0;

  function draft() {
    return fields.map(function (el) { return el.value.trim(); })
      .filter(function (v) { return v; }).join(" ").slice(0, MAX);
  }

  function reusedIris() {
    return reuses ? reuses.value.split(/[\s,;]+/).filter(function (v) { return v; }) : [];
  }

  function markReused() {
    var taken = reusedIris();
    results.querySelectorAll("button.reuse-button").forEach(function (button) {
      if (taken.indexOf(button.value) >= 0 && button.getAttribute("aria-disabled") !== "true") {
        button.textContent = button.getAttribute("data-added");  // stays focusable
        button.setAttribute("aria-disabled", "true");
      }
    });
  }

  function ask(force) {
    var text = draft();
    if (text.length < 3 || (text === asked && !force)) { return; }
    asked = text;
    var mine = ++sequence;
    box.setAttribute("aria-busy", "true");
    fetch(box.getAttribute("data-url") + "?text=" + encodeURIComponent(text), {
      credentials: "same-origin", headers: { "Accept": "text/html" }
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.text();
    }).then(function (html) {
      if (mine !== sequence) { return; }  // a later question is under way
      results.innerHTML = html;           // the node's own escaped fragment
      markReused();
      var note = results.querySelector("[data-status]");
      status.textContent = note ? note.getAttribute("data-status") : "";
    }).catch(function () {
      asked = "";                         // try again at the next pause
    }).then(function () {
      if (mine === sequence) { box.removeAttribute("aria-busy"); }
    });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, DELAY);
  }

  fields.forEach(function (el) { el.addEventListener("input", later); });
  // a draft shown again (after a failed save) whose list the server did not ask for
  var first = results.querySelector("[data-status]");
  if (first && first.getAttribute("data-status") === "") { ask(); }

  box.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || !box.contains(button)) { return; }
    if (button.id === "similar-find") {
      event.preventDefault();
      window.clearTimeout(timer);
      ask(true);
    } else if (button.classList.contains("reuse-button")) {
      event.preventDefault();
      if (!reuses) { return; }
      if (reusedIris().indexOf(button.value) < 0) {
        reuses.value = reuses.value.replace(/\s+$/, "") + (reuses.value.trim() ? "\n" : "") +
          button.value;
      }
      markReused();
      status.textContent = button.getAttribute("data-added") || "";
    }
  });
})();
