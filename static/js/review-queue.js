// Queue: select all on the page, and count the selected documents.
(function () {
  "use strict";
  var all = document.querySelector("[data-select-all]");
  var count = document.querySelector("[data-selected-count]");
  function boxes() { return Array.prototype.slice.call(document.querySelectorAll('input[name="documents"]')); }
  function update() {
    var n = boxes().filter(function (box) { return box.checked; }).length;
    if (count) count.textContent = n ? n + " selected" : "Select documents to approve or reject them together.";
    if (all) all.checked = n > 0 && n === boxes().length;
  }
  if (all) all.addEventListener("change", function () { boxes().forEach(function (box) { box.checked = all.checked; }); update(); });
  document.addEventListener("change", function (event) { if (event.target.name === "documents") update(); });
  update();
})();
