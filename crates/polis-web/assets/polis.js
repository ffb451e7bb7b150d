// polis: what every page needs beyond htmx: print buttons (inline handlers are refused by
// the pages' content security policy), and closing the search suggestions with Escape.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) window.print();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var list = document.getElementById("suggestions");
    if (list) list.textContent = "";
  });
})();
