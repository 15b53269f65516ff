/* The verslag page: a print button (no inline scripts under the CSP). */
(function () {
  "use strict";
  var button = document.getElementById("print");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
}());
