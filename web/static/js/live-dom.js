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

  // "Near the end" as the engine works it out (the warning time, a short step's last quarter).
  function nearEndAt(step) {
    if (typeof step.near_end_at === "number") { return step.near_end_at; }
    var planned = step.planned_seconds || 0;
    return planned > 120 ? 60 : planned / 4;
  }

  // The countdown `dt` seconds after the server's last state: the text and its colour.
  function timer(step, dt) {
    var planned = step.planned_seconds || 0;
    var left = (step.remaining_seconds > 0 ? step.remaining_seconds : -(step.over_seconds || 0)) - dt;
    var timeUp = planned > 0 && (step.time_up || left < 0);
    return {
      left: left,
      text: left >= 0 ? clock(Math.ceil(left)) : "+" + clock(Math.floor(-left)),
      timeUp: timeUp,
      nearEnd: !timeUp && planned > 0 && left <= nearEndAt(step),
      percent: planned ? ((step.elapsed_seconds || 0) + dt) / planned * 100 : 0
    };
  }

  // A step's roles as the people at this table: "Anna en de deelnemers".
  function roleWords(roles, view) {
    var words = (roles || []).map(function (role) {
      if (role === "inbrenger") { return view.inbrenger || "de inbrenger"; }
      if (role === "procesbegeleider") { return view.procesbegeleider || "de procesbegeleider"; }
      if (role === "deelnemers") { return "de deelnemers"; }
      return role;
    });
    return words.length > 1 ? words.slice(0, -1).join(", ") + " en " + words[words.length - 1] : words.join("");
  }

  window.Facilitator = window.Facilitator || {};
  window.Facilitator.dom = { $: $, el: el, setText: setText, show: show, clock: clock,
    minutesText: minutesText, setWidth: setWidth, timer: timer, roleWords: roleWords };
}());
