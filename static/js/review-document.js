// Document review page: fields and their boxes, keyboard shortcuts, unsaved edits, zoom and
// pan, and boxes drawn on a page to read a value. Edits are saved in place by htmx.
// Progressive enhancement only: every action is a plain form that works without this file.
(function () {
  "use strict";
  var root = document.querySelector("[data-review-document]");
  if (!root) return;

  var currentName = null;
  var leaving = false; // set once a leave was confirmed, so the browser does not ask again

  function rows() { return Array.prototype.slice.call(root.querySelectorAll("[data-field-row]")); }
  function rowOf(name) {
    return rows().filter(function (row) { return row.getAttribute("data-field") === name; })[0] || null;
  }
  function boxesOf(name) {
    return Array.prototype.filter.call(root.querySelectorAll("[data-box]"), function (box) {
      return box.getAttribute("data-box") === name;
    });
  }
  function currentIndex() { return currentName === null ? -1 : rows().indexOf(rowOf(currentName)); }

  function flash(text) {
    var line = document.getElementById("flash");
    if (!line) return;
    line.textContent = text;
    line.classList.remove("flash-error");
    line.setAttribute("role", "status");
    fadeLater();
  }

  function select(name, options) {
    var row = rowOf(name);
    if (!row) return;
    options = options || {};
    root.querySelectorAll(".is-current").forEach(function (el) { el.classList.remove("is-current"); });
    currentName = name;
    row.classList.add("is-current");
    var boxes = boxesOf(name);
    boxes.forEach(function (box) { box.classList.add("is-current"); });
    if (options.scrollPage !== false && boxes.length) {
      boxes[0].scrollIntoView({ block: "center", inline: "center", behavior: "auto" });
    }
    if (options.focusRow !== false) {
      row.focus({ preventScroll: true });
      // After a save in place nothing moves unless the field left the view entirely.
      var rect = row.getBoundingClientRect();
      var gone = rect.bottom < 0 || rect.top > window.innerHeight;
      if (!options.keepScroll || gone) row.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
    if (history.replaceState) history.replaceState(null, "", "#field-" + name);
  }

  function selectIndex(index, options) {
    var all = rows();
    if (index < 0 || index >= all.length) return;
    select(all[index].getAttribute("data-field"), options);
  }

  function edit() {
    if (currentName === null) selectIndex(0);
    var row = rowOf(currentName);
    var input = row && row.querySelector("[data-field-input]");
    if (input) { input.focus(); if (input.select) input.select(); }
  }

  // --- Unsaved edits -----------------------------------------------------------------------
  // A textarea keeps its newlines, so an untouched multi-line value is never "changed".
  function changedInputs() {
    return Array.prototype.filter.call(document.querySelectorAll("[data-field-input]"), function (input) {
      // A refused value is shown as typed, and is not saved either (a blank one loses nothing).
      return input.value !== input.defaultValue
        || (input.getAttribute("aria-invalid") === "true" && input.value.trim() !== "");
    });
  }
  function unsaved() { return changedInputs().length > 0; }
  var QUESTION = "A field has unsaved changes. Leave without saving them?";
  // ``keep``: a form being sent, whose own inputs are not lost by leaving.
  function mayLeave(keep) {
    var lost = changedInputs().filter(function (input) { return !keep || !keep.contains(input); });
    if (leaving) return true;
    // Only the form's own inputs changed: they are being sent, so the tab may close quietly.
    if (!lost.length) { if (unsaved()) leaving = true; return true; }
    if (window.confirm(QUESTION)) { leaving = true; return true; }
    var first = lost[0];
    var row = first.closest("[data-field-row]");
    if (row) select(row.getAttribute("data-field"), { focusRow: false });
    first.focus();
    return false;
  }

  // A decision taken in place does not leave, but it must not pass over an unsaved edit
  // either: ask, and stay on that edit when the answer is no.
  function mayDecide(form) {
    var lost = changedInputs().filter(function (input) { return !form.contains(input); });
    if (!lost.length || window.confirm(QUESTION)) return true;
    var first = lost[0];
    var row = first.closest("[data-field-row]");
    if (row) select(row.getAttribute("data-field"), { focusRow: false });
    first.focus();
    return false;
  }

  // Every way of leaving: a decision or a note sent (mouse or keyboard), a link, a reload or
  // closing the tab. Forms saved in place by htmx do not leave.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("hx-post")) return;
    if (!mayLeave(form)) event.preventDefault();
  }, true);
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || link.hasAttribute("data-leave-ok") || link.hasAttribute("data-box") || link.target === "_blank") return;
    var href = link.getAttribute("href");
    if (!href || href.charAt(0) === "#") return;
    if (!mayLeave(null)) event.preventDefault();
  }, true);
  window.addEventListener("beforeunload", function (event) {
    if (leaving || !unsaved()) return;
    event.preventDefault();
    event.returnValue = QUESTION;
  });

  // --- Fields and boxes --------------------------------------------------------------------
  root.addEventListener("click", function (event) {
    var goto = event.target.closest("[data-goto-field]");
    if (goto) { event.preventDefault(); select(goto.getAttribute("data-goto-field")); return; }
    var box = event.target.closest("[data-box]");
    if (box) {
      event.preventDefault();
      if (drawing) return;
      // Several fields can share one box (a total and its currency): clicking it again moves
      // to the next field of that box.
      var style = box.getAttribute("style");
      var group = Array.prototype.filter.call(
        box.parentNode.querySelectorAll("[data-box]"),
        function (other) { return other.getAttribute("style") === style; }
      ).map(function (other) { return other.getAttribute("data-box"); });
      var name = box.getAttribute("data-box");
      var at = currentName !== null ? group.indexOf(currentName) : -1;
      if (at >= 0) name = group[(at + 1) % group.length];
      select(name, { scrollPage: false });
      return;
    }
    var row = event.target.closest("[data-field-row]");
    if (!row) return;
    var name = row.getAttribute("data-field");
    if (event.target.closest("input, textarea, button")) { if (currentName !== name) select(name, { focusRow: false }); return; }
    select(name);
  });
  root.addEventListener("focusin", function (event) {
    if (!event.target.matches("[data-field-input]")) return;
    var row = event.target.closest("[data-field-row]");
    if (row && row.getAttribute("data-field") !== currentName) select(row.getAttribute("data-field"), { focusRow: false });
  });

  // Deleting a row asks first; a decision in place asks when an edit is unsaved.
  document.addEventListener("htmx:confirm", function (event) {
    var decision = event.target.closest && event.target.closest("form[data-decision]");
    if (decision) {
      if (!mayDecide(decision)) event.preventDefault();
      return;
    }
    var form = event.target.closest && event.target.closest("[data-confirm]");
    if (!form) return;
    event.preventDefault();
    if (window.confirm(form.getAttribute("data-confirm"))) event.detail.issueRequest(true);
  });

  // A save in place that is answered by another page (the sign-in page once the session has
  // ended) is followed as a page, never put inside the field.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    var asked = (detail.pathInfo && detail.pathInfo.requestPath || "").split("?")[0].split("#")[0];
    var answered = detail.pathInfo && detail.pathInfo.responsePath;
    if (answered && asked && answered.split("?")[0] !== new URL(asked, location.href).pathname) {
      event.preventDefault();
      leaving = true;
      location.assign(detail.xhr.responseURL);
    }
  });
  // A save that fails (a lost connection, a server error, a refused role) says so; what was
  // typed stays in its field.
  function failed(text) {
    var line = document.getElementById("flash");
    if (!line) return;
    line.textContent = text;
    line.classList.add("flash-error");
    line.classList.remove("is-faded");
    line.setAttribute("role", "alert");
  }
  document.body.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    failed(status === 403 ? "Your role in this service does not allow this; nothing was saved."
      : "The server could not save this (error " + status + "); nothing was saved. Try again.");
  });
  document.body.addEventListener("htmx:sendError", function () {
    failed("The server could not be reached; nothing was saved. Try again.");
  });

  // The status line of a save fades after a while, so that it does not keep covering the
  // page; a refusal stays until the next save.
  var fading = null;
  function fadeLater() {
    var line = document.getElementById("flash");
    clearTimeout(fading);
    if (!line) return;
    line.classList.remove("is-faded");
    if (line.classList.contains("flash-error")) return;
    fading = setTimeout(function () { line.classList.add("is-faded"); }, 8000);
  }

  // After a save in place: stay on the field (or on the field with the error).
  document.body.addEventListener("htmx:afterSettle", function () {
    fadeLater();
    // A deleted row takes its boxes off the page.
    root.querySelectorAll("[data-box]").forEach(function (box) {
      if (!rowOf(box.getAttribute("data-box"))) box.remove();
    });
    var line = document.getElementById("flash");
    // A refused save leaves the focus where the reviewer was typing.
    if (line && line.hasAttribute("data-stay")) return;
    var focus = line && line.getAttribute("data-focus");
    // A note sent: the empty note field keeps the focus, for the next one.
    var other = focus && !rowOf(focus) && document.getElementById(focus);
    if (other) { other.focus({ preventScroll: true }); return; }
    var invalid = root.querySelector("[data-field-row] [data-field-input][aria-invalid=true]");
    if (invalid) {
      var row = invalid.closest("[data-field-row]");
      if (row) select(row.getAttribute("data-field"), { scrollPage: false, focusRow: false });
      invalid.focus();
      return;
    }
    var target = focus && rowOf(focus) ? focus : currentName && rowOf(currentName) ? currentName : null;
    if (!target) return;
    // Back on the field, ready for j/k (htmx would put the focus back into the input); in a
    // row just added, straight into its first cell.
    select(target, { scrollPage: false, keepScroll: true });
    if (line && line.getAttribute("data-edit") === "1") edit();
  });

  function submitForm(form) {
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }

  // --- Zoom and pan ------------------------------------------------------------------------
  var pages = root.querySelector("[data-pages]");
  var level = root.querySelector("[data-zoom-level]");
  var zoom = 1;
  function setZoom(value) {
    if (!pages) return;
    zoom = Math.min(4, Math.max(0.5, Math.round(value * 100) / 100));
    pages.style.setProperty("--zoom", zoom);
    pages.classList.toggle("is-zoomed", zoom > 1);
    if (level) level.textContent = Math.round(zoom * 100) + "%";
  }
  root.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      var how = button.getAttribute("data-zoom");
      setZoom(how === "in" ? zoom * 1.25 : how === "out" ? zoom / 1.25 : 1);
    });
  });
  // Drag with the mouse to pan a zoomed page (touch screens pan natively).
  var pan = null;
  if (pages) {
    pages.addEventListener("pointerdown", function (event) {
      if (drawing || zoom <= 1 || event.pointerType !== "mouse" || event.target.closest("[data-box]")) return;
      pan = { x: event.clientX, y: event.clientY, left: pages.scrollLeft, top: pages.scrollTop };
      pages.classList.add("is-panning");
    });
    window.addEventListener("pointermove", function (event) {
      if (!pan) return;
      pages.scrollLeft = pan.left - (event.clientX - pan.x);
      pages.scrollTop = pan.top - (event.clientY - pan.y);
    });
    window.addEventListener("pointerup", function () { pan = null; pages.classList.remove("is-panning"); });
  }

  // --- Reading a value from a box drawn on the page ---------------------------------------
  var drawing = false;
  var drawButton = root.querySelector("[data-draw]");
  function setDrawing(on) {
    if (on && currentName === null) { flash("Select a field first, then draw a box over its value."); return; }
    drawing = on;
    root.classList.toggle("is-drawing", on);
    if (drawButton) drawButton.setAttribute("aria-pressed", on ? "true" : "false");
    if (on) flash("Draw a box over the value of " + (rowOf(currentName).querySelector("label") || {}).textContent + " on the page.");
  }
  if (drawButton) drawButton.addEventListener("click", function () { setDrawing(!drawing); });

  var sketch = null;
  function fraction(frame, event) {
    var rect = frame.getBoundingClientRect();
    return {
      x: Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width)),
      y: Math.min(1, Math.max(0, (event.clientY - rect.top) / rect.height)),
    };
  }
  root.addEventListener("pointerdown", function (event) {
    if (!drawing) return;
    var frame = event.target.closest(".page-frame");
    if (!frame) return;
    event.preventDefault();
    var start = fraction(frame, event);
    var shape = document.createElement("div");
    shape.className = "sketch";
    frame.appendChild(shape);
    sketch = { frame: frame, start: start, end: start, shape: shape };
    draw();
  });
  function draw() {
    var s = sketch;
    var x0 = Math.min(s.start.x, s.end.x), y0 = Math.min(s.start.y, s.end.y);
    s.shape.style.left = x0 * 100 + "%"; s.shape.style.top = y0 * 100 + "%";
    s.shape.style.width = Math.abs(s.end.x - s.start.x) * 100 + "%";
    s.shape.style.height = Math.abs(s.end.y - s.start.y) * 100 + "%";
  }
  window.addEventListener("pointermove", function (event) {
    if (!sketch) return;
    sketch.end = fraction(sketch.frame, event);
    draw();
  });
  window.addEventListener("pointerup", function () {
    if (!sketch) return;
    var s = sketch; sketch = null;
    var page = s.frame.closest("[data-page-number]").getAttribute("data-page-number");
    // A click (no drag) reads the word under it.
    var pad = 0.004;
    var body = new URLSearchParams({
      page: page,
      x0: Math.min(s.start.x, s.end.x) - pad, y0: Math.min(s.start.y, s.end.y) - pad,
      x1: Math.max(s.start.x, s.end.x) + pad, y1: Math.max(s.start.y, s.end.y) + pad,
    });
    ["x0", "y0"].forEach(function (k) { body.set(k, Math.max(0, +body.get(k))); });
    ["x1", "y1"].forEach(function (k) { body.set(k, Math.min(1, +body.get(k))); });
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    fetch(root.getAttribute("data-read-box-url"), {
      method: "POST",
      headers: { "X-CSRFToken": token ? token.value : "", "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString(),
      credentials: "same-origin",
    }).then(function (reply) { return reply.json(); }).then(function (data) {
      setTimeout(function () { s.shape.remove(); }, 600);
      setDrawing(false);
      if (data.error) { flash(data.error.message); return; }
      if (!data.text) { flash("No words under that box; draw it around the value."); return; }
      var input = rowOf(currentName) && rowOf(currentName).querySelector("[data-field-input]");
      if (!input) return;
      input.value = data.text;
      input.focus();
      flash("Read “" + data.text + "” from page " + page + ": check it, then save (Enter).");
    }).catch(function () { s.shape.remove(); setDrawing(false); flash("The page could not be read; try again."); });
  });

  // --- Keyboard ----------------------------------------------------------------------------
  function press(action) {
    var button = document.querySelector('[data-action="' + action + '"]');
    if (button) button.click();
  }
  function reject() {
    var details = document.querySelector("[data-reject]");
    if (!details) return;
    details.open = true;
    var reason = details.querySelector("textarea");
    if (reason) reason.focus();
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target.matches && target.matches("input, textarea, select, [contenteditable]");
    var save = (event.ctrlKey || event.metaKey) && (event.key === "s" || event.key === "S");
    if (save) {
      event.preventDefault();
      var row = rowOf(currentName);
      var form = typing ? target.form : row && row.querySelector("form");
      if (form) submitForm(form);
      return;
    }
    if (typing) {
      if (event.key === "Escape") {
        event.preventDefault();
        if (target.closest("[data-reject]")) { target.closest("[data-reject]").open = false; return; }
        var current = rowOf(currentName);
        if (current) current.focus(); else target.blur();
      }
      // Ctrl+Enter sends a reason or a note.
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.form) { event.preventDefault(); submitForm(target.form); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    switch (event.key) {
      case "j": case "ArrowDown":
        if (!rows().length) return;
        event.preventDefault(); selectIndex(Math.min(currentIndex() + 1, rows().length - 1)); break;
      case "k": case "ArrowUp":
        if (!rows().length) return;
        event.preventDefault(); selectIndex(Math.max(currentIndex() - 1, 0)); break;
      case "Enter":
        if (target.closest && target.closest("a, button, summary")) return;
        if (!rows().length) return;
        event.preventDefault(); edit(); break;
      case "d": event.preventDefault(); setDrawing(!drawing); break;
      case "+": case "=": event.preventDefault(); setZoom(zoom * 1.25); break;
      case "-": event.preventDefault(); setZoom(zoom / 1.25); break;
      case "0": event.preventDefault(); setZoom(1); break;
      case "a": event.preventDefault(); press("approve-next"); break;
      case "r": event.preventDefault(); reject(); break;
      case "Escape": if (drawing) setDrawing(false); break;
    }
  });

  // After a save without JavaScript the page comes back at #field-<name>: continue there.
  var hash = decodeURIComponent(location.hash || "");
  if (hash.indexOf("#field-") === 0 && rowOf(hash.slice(7))) select(hash.slice(7));
  var invalid = root.querySelector("[data-field-input][aria-invalid=true]");
  if (invalid) { var r = invalid.closest("[data-field-row]"); if (r) select(r.getAttribute("data-field"), { focusRow: false }); invalid.focus(); }
})();
