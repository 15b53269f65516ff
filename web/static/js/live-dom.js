/* Small DOM and time helpers shared by the live page's scripts (no inline scripts under the CSP). */
(function () {
  "use strict";

  function $(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function setText(node, text) {
    if (node && node.textContent !== text) { node.textContent = text; }
  }

  function show(node, visible) {
    if (node) { node.hidden = !visible; }
  }

  function clock(seconds) {
    var total = Math.max(0, Math.round(Math.abs(seconds)));
    var h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    var ss = (s < 10 ? "0" : "") + s;
    if (h) { return h + ":" + (m < 10 ? "0" : "") + m + ":" + ss; }
    return m + ":" + ss;
  }

  function minutesText(value) {
    if (value === null || value === undefined) { return "?"; }
    if (Array.isArray(value)) { return value[0] + "–" + value[1]; }
    return String(value);
  }

  function setWidth(node, percent) {
    var p = Math.max(0, Math.min(100, Math.round(percent || 0)));
    node.className = node.className.replace(/\bw-\d+\b/g, "").trim() + " w-" + p;
  }

  window.Facilitator = window.Facilitator || {};
  window.Facilitator.dom = { $: $, el: el, setText: setText, show: show, clock: clock,
    minutesText: minutesText, setWidth: setWidth };
}());
