// The main menu's groups (<details>): one open at a time, closed by Escape or a click elsewhere.
(function () {
  "use strict";
  function groups() { return document.querySelectorAll(".main-menu details"); }
  function closeAll(except) {
    groups().forEach(function (group) { if (group !== except) { group.open = false; } });
  }
  document.addEventListener("toggle", function (event) {
    if (event.target.matches && event.target.matches(".main-menu details") && event.target.open) { closeAll(event.target); }
  }, true);
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".main-menu details")) { closeAll(null); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = document.querySelector(".main-menu details[open]");
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });
})();
