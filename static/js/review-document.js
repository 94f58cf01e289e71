// Document review page: links fields and their boxes, and keyboard shortcuts.
// Progressive enhancement only: every action is a plain form that works without this file.
(function () {
  "use strict";
  var root = document.querySelector("[data-review-document]");
  if (!root) return;

  var rows = Array.prototype.slice.call(root.querySelectorAll("[data-field-row]"));
  var current = -1;

  function boxesOf(name) {
    return Array.prototype.filter.call(root.querySelectorAll("[data-box]"), function (box) {
      return box.getAttribute("data-box") === name;
    });
  }

  function select(index, options) {
    if (index < 0 || index >= rows.length) return;
    options = options || {};
    root.querySelectorAll(".is-current").forEach(function (el) { el.classList.remove("is-current"); });
    current = index;
    var row = rows[index];
    var name = row.getAttribute("data-field");
    row.classList.add("is-current");
    var boxes = boxesOf(name);
    boxes.forEach(function (box) { box.classList.add("is-current"); });
    if (options.scrollPage !== false && boxes.length) {
      boxes[0].scrollIntoView({ block: "center", behavior: "auto" });
    }
    if (options.focusRow !== false) {
      row.focus({ preventScroll: true });
      row.scrollIntoView({ block: "nearest" });
    }
    if (history.replaceState) history.replaceState(null, "", "#field-" + name);
  }

  function edit() {
    if (current < 0) select(0);
    var input = rows[current] && rows[current].querySelector("[data-field-input]");
    if (input) { input.focus(); input.select(); }
  }

  function indexOfName(name) {
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].getAttribute("data-field") === name) return i;
    }
    return -1;
  }

  rows.forEach(function (row, index) {
    row.addEventListener("click", function (event) {
      if (event.target.closest("input, button")) { if (current !== index) select(index, { focusRow: false }); return; }
      select(index);
    });
    var input = row.querySelector("[data-field-input]");
    if (input) input.addEventListener("focus", function () { if (current !== index) select(index, { focusRow: false }); });
  });

  // Several fields can share one box (a total and its currency): clicking it again moves to
  // the next field of that box.
  root.querySelectorAll("[data-box]").forEach(function (box) {
    box.addEventListener("click", function (event) {
      event.preventDefault();
      var style = box.getAttribute("style");
      var group = Array.prototype.filter.call(
        box.parentNode.querySelectorAll("[data-box]"),
        function (other) { return other.getAttribute("style") === style; }
      ).map(function (other) { return other.getAttribute("data-box"); });
      var name = box.getAttribute("data-box");
      var at = current >= 0 ? group.indexOf(rows[current].getAttribute("data-field")) : -1;
      if (at >= 0) name = group[(at + 1) % group.length];
      select(indexOfName(name), { scrollPage: false });
    });
  });

  function unsaved() {
    return Array.prototype.some.call(root.querySelectorAll("[data-field-input]"), function (input) {
      return input.value !== input.defaultValue;
    });
  }

  function press(action) {
    var button = document.querySelector('[data-action="' + action + '"]');
    if (!button) return;
    if (unsaved() && !window.confirm("A field has unsaved changes. Leave without saving them?")) return;
    button.click();
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target.matches && target.matches("input, textarea, select, [contenteditable]");
    var save = (event.ctrlKey || event.metaKey) && (event.key === "s" || event.key === "S");
    if (save) {
      event.preventDefault();
      var form = typing ? target.form : rows[current] && rows[current].querySelector("form");
      if (form) form.requestSubmit ? form.requestSubmit() : form.submit();
      return;
    }
    if (typing) {
      if (event.key === "Escape" && current >= 0) { event.preventDefault(); rows[current].focus(); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    switch (event.key) {
      case "j": case "ArrowDown":
        if (!rows.length) return;
        event.preventDefault(); select(Math.min(current + 1, rows.length - 1)); break;
      case "k": case "ArrowUp":
        if (!rows.length) return;
        event.preventDefault(); select(Math.max(current - 1, 0)); break;
      case "Enter":
        if (target.closest && target.closest("a, button")) return;
        if (!rows.length) return;
        event.preventDefault(); edit(); break;
      case "a": event.preventDefault(); press("approve-next"); break;
      case "r": event.preventDefault(); press("reject"); break;
    }
  });

  // After a save the page comes back at #field-<name>: continue from that field.
  var hash = decodeURIComponent(location.hash || "");
  if (hash.indexOf("#field-") === 0) {
    var index = indexOfName(hash.slice(7));
    if (index >= 0) select(index);
  }
})();
