// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // The header menu is a <details>: open on wide screens, a "菜单" button on a phone.
  var menu = document.getElementById("site-menu");
  if (menu && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 768px)");
    var follow = function () { menu.open = wide.matches; };
    follow();
    if (wide.addEventListener) { wide.addEventListener("change", follow); }
  }
  // A print button (the insurance notice) prints the page; the CSP forbids an inline onclick.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // A form's result (its errors, or the answer it asked for) is brought into view.
  var target = document.querySelector("[role=alert], [data-scroll-into-view]");
  if (target && target.scrollIntoView) {
    target.scrollIntoView({ block: "center" });
  }
})();
