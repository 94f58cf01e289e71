// Upload: files dropped on the zone are submitted like chosen ones.
(function () {
  "use strict";
  var chooser = document.querySelector("[data-autosubmit]");
  if (chooser) chooser.addEventListener("change", function () { chooser.form.submit(); });
  var form = document.querySelector("[data-upload]");
  var zone = form && form.querySelector("[data-drop]");
  if (!zone) return;
  var input = form.querySelector('input[type="file"]');
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("is-over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("is-over"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (!event.dataTransfer || !event.dataTransfer.files.length) return;
    input.files = event.dataTransfer.files;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  });
})();
