// @mention autocomplete for comment boxes: type "@" and a few letters, pick a member with the
// arrow keys and Enter (or Tab), or with the mouse; Escape closes the list. Works for boxes that
// htmx swaps in later, since every listener is on the document.
(function () {
  "use strict";
  var TRIGGER = /(^|[^A-Za-z0-9_@.+\-])@([^\s@]{0,40})$/;
  var counter = 0;
  var state = null; // {input, list, items, active, start, seq}

  function trigger(input) {
    var before = input.value.slice(0, input.selectionStart);
    var match = TRIGGER.exec(before);
    if (!match) { return null; }
    return { prefix: match[2], start: before.length - match[2].length - 1 };
  }

  function listFor(input) {
    var id = input.getAttribute("aria-controls");
    var list = id && document.getElementById(id);
    if (list) { return list; }
    list = document.createElement("ul");
    list.id = "mention-list-" + (++counter);
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("data-list-label") || "@");
    list.hidden = true;
    var box = document.createElement("div");
    box.className = "mention-box";
    input.parentNode.insertBefore(box, input.nextSibling);
    box.appendChild(list);
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    return list;
  }

  function close() {
    if (!state) { return; }
    state.list.hidden = true;
    state.list.textContent = "";
    state.input.setAttribute("aria-expanded", "false");
    state.input.removeAttribute("aria-activedescendant");
    state = null;
  }

  function highlight(index) {
    state.active = (index + state.items.length) % state.items.length;
    state.items.forEach(function (item, i) {
      item.el.setAttribute("aria-selected", i === state.active ? "true" : "false");
    });
    state.input.setAttribute("aria-activedescendant", state.items[state.active].el.id);
  }

  function choose(index) {
    var input = state.input, person = state.items[index].person, start = state.start;
    var end = input.selectionStart;
    var text = "@" + person.username + " ";
    input.value = input.value.slice(0, start) + text + input.value.slice(end);
    var caret = start + text.length;
    input.setSelectionRange(caret, caret);
    close();
    input.focus();
  }

  function show(input, found, results) {
    var list = listFor(input);
    list.textContent = "";
    if (!results.length) { close(); return; }
    state = { input: input, list: list, items: [], active: 0, start: found.start };
    results.forEach(function (person, i) {
      var li = document.createElement("li");
      li.id = list.id + "-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("data-username", person.username);
      li.textContent = "@" + person.username;
      if (person.name && person.name !== person.username) {
        var small = document.createElement("small");
        small.textContent = person.name;
        li.appendChild(small);
      }
      li.addEventListener("mousedown", function (event) {
        event.preventDefault();
        var index = state ? state.items.map(function (item) { return item.el; }).indexOf(li) : -1;
        if (index >= 0) { choose(index); }
      });
      list.appendChild(li);
      state.items.push({ el: li, person: person });
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(0);
  }

  // While the answer for the longer prefix is on its way, the list on screen still holds the
  // members for the shorter one: keep only those the new prefix still matches, so Enter never
  // picks someone the user has typed past (the server's answer then replaces the list).
  function narrow(input, found) {
    if (!state || state.input !== input || state.start !== found.start) { return; }
    var prefix = found.prefix.toLowerCase();
    state.items = state.items.filter(function (item) {
      var keep = item.person.username.toLowerCase().indexOf(prefix) === 0 ||
        (item.person.name || "").toLowerCase().indexOf(prefix) === 0;
      if (!keep) { item.el.remove(); }
      return keep;
    });
    if (!state.items.length) { close(); } else { highlight(0); }
  }

  var sequence = 0;
  function suggest(input) {
    var found = trigger(input);
    if (!found) { close(); return; }
    narrow(input, found);
    var seq = ++sequence;
    var url = input.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(found.prefix);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        if (seq !== sequence || document.activeElement !== input) { return; }
        var again = trigger(input);
        if (!again || again.start !== found.start) { close(); return; }
        show(input, found, data.results || []);
      });
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("textarea[data-mention-input]")) { return; }
    if (event.isComposing) { return; } // wait until the IME has finished the word
    suggest(input);
  });
  document.addEventListener("compositionend", function (event) {
    var input = event.target;
    if (input.matches && input.matches("textarea[data-mention-input]")) { suggest(input); }
  });
  document.addEventListener("keydown", function (event) {
    if (!state || event.target !== state.input || event.isComposing) { return; }
    if (event.key === "ArrowDown") { event.preventDefault(); highlight(state.active + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight(state.active - 1); }
    else if (event.key === "Enter" || event.key === "Tab") { event.preventDefault(); choose(state.active); }
    else if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); close(); }
  }, true);
  document.addEventListener("focusout", function (event) {
    if (state && event.target === state.input) { close(); }
  });
})();

// A link to "#comment-<id>" whose comment is older than the thread's latest page (links from
// before threads were paged, or copied from the address bar) asks the thread for the page at
// that comment and swaps it in; new links carry "?comment=<id>" and need none of this.
(function () {
  "use strict";
  var LINK = /^#comment-(\d{1,18})$/;

  function reveal() {
    var match = LINK.exec(window.location.hash);
    if (!match || document.getElementById("comment-" + match[1]) || !window.htmx) { return; }
    var thread = document.querySelector("section.thread[data-thread-url]");
    if (!thread) { return; }
    var url = thread.getAttribute("data-thread-url") + "?comment=" + match[1];
    window.htmx.ajax("GET", url, { target: thread, swap: "outerHTML" }).then(function () {
      var found = document.getElementById("comment-" + match[1]);
      if (found) {
        found.setAttribute("tabindex", "-1");
        found.scrollIntoView();
        found.focus({ preventScroll: true });
      }
    });
  }

  // "Show earlier/later comments" replaces its own list item, so keyboard focus would fall
  // back to the page: move it to the first comment that came in (or, with none, the next
  // "show more" link), so the reader carries on from there.
  var pendingMore = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var link = event.target;
    var item = link && link.closest ? link.closest("li.comment-more") : null;
    pendingMore = item && item.parentNode
      ? { item: item, list: item.parentNode, before: item.previousElementSibling, after: item.nextElementSibling }
      : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    var from = pendingMore;
    if (!from || from.item.isConnected) return;  // not swapped (yet)
    pendingMore = null;
    var node = from.before ? from.before.nextElementSibling : from.list.firstElementChild;
    var fallback = null;
    while (node && node !== from.after) {
      if (node.classList.contains("comment")) {
        node.setAttribute("tabindex", "-1");
        node.focus();
        return;
      }
      if (!fallback && node.classList.contains("comment-more")) fallback = node.querySelector("a");
      node = node.nextElementSibling;
    }
    if (fallback) fallback.focus();
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", reveal);
  } else {
    reveal();
  }
  window.addEventListener("hashchange", reveal);
})();
