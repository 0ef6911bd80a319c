// Glossary marks: a click pins a term's explanation open (touch screens have no hover);
// Escape or a click elsewhere closes it. CSS alone already shows it on hover and focus.
(function () {
  "use strict";
  function closeAll(except) {
    document.querySelectorAll(".gl.gl-open").forEach(function (el) {
      if (el !== except) { el.classList.remove("gl-open"); }
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-gl-toggle]");
    if (!button) { closeAll(null); return; }
    var holder = button.parentElement;
    closeAll(holder);
    holder.classList.remove("gl-closed");
    holder.classList.toggle("gl-open");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var holder = document.activeElement && document.activeElement.closest &&
      document.activeElement.closest(".gl");
    closeAll(null);
    if (holder) { holder.classList.add("gl-closed"); }  // hide it though focus stays
  });
  document.addEventListener("focusout", function (event) {
    var holder = event.target.closest && event.target.closest(".gl");
    if (holder) { holder.classList.remove("gl-closed"); }
  });
})();
