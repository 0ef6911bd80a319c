// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]")) { el.form.submit(); }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
  // Show password (ASVS 2.1.12): a button after each password field shows what was typed;
  // the field is a password field again before its form is sent.
  function addRevealers(root) {
    var show = document.body.getAttribute("data-show-password");
    var hide = document.body.getAttribute("data-hide-password");
    if (!show || !root.querySelectorAll) { return; }
    root.querySelectorAll("input[type=password]:not([data-revealable])").forEach(function (input) {
      input.setAttribute("data-revealable", "");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "reveal-password";
      button.textContent = show;
      button.setAttribute("aria-pressed", "false");
      if (input.id) { button.setAttribute("aria-controls", input.id); }
      button.addEventListener("click", function () {
        var shown = input.type === "password";
        input.type = shown ? "text" : "password";
        button.textContent = shown ? hide : show;
        button.setAttribute("aria-pressed", shown ? "true" : "false");
        input.focus();
      });
      input.insertAdjacentElement("afterend", button);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { addRevealers(document); });
  document.addEventListener("htmx:load", function (event) { addRevealers(event.target); });
  document.addEventListener("submit", function (event) {
    if (!event.target.querySelectorAll) { return; }
    event.target.querySelectorAll("input[data-revealable]").forEach(function (input) {
      input.type = "password";
    });
  }, true);
  // Escape closes open menus; a click outside closes them too.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll("details[data-menu][open]").forEach(function (d) {
      d.removeAttribute("open"); d.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details[data-menu][open]").forEach(function (d) {
      if (!d.contains(event.target)) { d.removeAttribute("open"); }
    });
  });
  // Board: drag a card to a column; the server decides whether the move is allowed.
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; }
    catch (e) { return ""; }
  }
  function columnFor(status) { return document.querySelector('.column[data-status="' + status + '"] .cards'); }
  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".board-card[draggable]");
    if (!card) { return; }
    event.dataTransfer.setData("text/plain", card.id);
    event.dataTransfer.effectAllowed = "move";
  });
  document.addEventListener("dragover", function (event) {
    var column = event.target.closest && event.target.closest(".column");
    if (column) { event.preventDefault(); column.classList.add("drop-ok"); }
  });
  document.addEventListener("dragleave", function (event) {
    var column = event.target.closest && event.target.closest(".column");
    if (column) { column.classList.remove("drop-ok"); }
  });
  document.addEventListener("drop", function (event) {
    var column = event.target.closest && event.target.closest(".column");
    if (!column) { return; }
    event.preventDefault();
    column.classList.remove("drop-ok");
    var card = document.getElementById(event.dataTransfer.getData("text/plain"));
    if (!card || card.dataset.status === column.dataset.status) { return; }
    var body = new FormData();
    body.append("status", column.dataset.status);
    body.append("version", card.dataset.version || "");
    fetch(card.dataset.moveUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" }
    }).then(function (response) {
      return response.text().then(function (html) {
        var holder = document.createElement("template");
        holder.innerHTML = html.trim();
        var fresh = holder.content.firstElementChild;
        card.replaceWith(fresh);
        if (response.ok) { placeCard(fresh); }
        if (window.htmx) { window.htmx.process(fresh); }
      });
    });
  });
  function placeCard(card) {
    var target = columnFor(card.dataset.status);
    if (target && !target.contains(card)) { target.prepend(card); }
  }
  // A refused or stale save answers 409/412/422 with the fragment that says why: show it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if ([409, 412, 422].indexOf(event.detail.xhr.status) !== -1) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var card = event.detail.elt;
    if (card && card.classList && card.classList.contains("board-card")) { placeCard(card); }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var card = document.getElementById(event.detail.elt && event.detail.elt.id);
    if (card && card.classList.contains("board-card")) { placeCard(card); }
  });
})();
