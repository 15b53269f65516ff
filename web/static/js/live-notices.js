/* The live page's messages: notices as one short sentence with "wat te doen" behind a link, closable;
   a polite live region for turn changes and time warnings; toasts that stay clear of the control bar. */
(function () {
  "use strict";

  var d = window.Facilitator.dom;
  var $ = d.$, el = d.el;

  // Each notice starts with the sentence of its kind (facilitator/notices.py, served on the page);
  // what to do follows it and goes behind "wat te doen".
  var root = document.getElementById("live");
  var SENTENCES = root && root.dataset.notices ? JSON.parse(root.dataset.notices) : [];
  var dismissed = {};

  function split(text) {
    var clean = String(text || "").replace(/`/g, "").trim();
    for (var i = 0; i < SENTENCES.length; i += 1) {
      if (clean.indexOf(SENTENCES[i]) === 0) {
        return { head: SENTENCES[i], detail: clean.slice(SENTENCES[i].length).trim() };
      }
    }
    var m = clean.match(/^[^.:!?]{1,100}[.!?]/);
    var head = m ? m[0] : clean;
    return { head: head, detail: head === clean ? "" : clean };
  }

  function renderNotices(list) {
    var box = $("notices");
    if (!box) { return; }
    var items = (list || []).filter(function (n) { return !dismissed[n]; }).map(function (text) {
      var parts = split(text);
      var li = el("li", "notice");
      li.append(el("span", "notice-head", parts.head));
      if (parts.detail) {
        var more = el("details", "notice-more");
        more.append(el("summary", "", "Wat te doen"), el("p", "", parts.detail));
        li.append(more);
      }
      var close = el("button", "quiet notice-close", "×");
      close.type = "button";
      close.setAttribute("aria-label", "Melding sluiten");
      close.addEventListener("click", function () {
        dismissed[text] = true;
        li.remove();
        box.hidden = !box.children.length;
        var stage = $("stage");
        if (stage) { stage.focus({ preventScroll: true }); }
      });
      li.append(close);
      return li;
    });
    box.replaceChildren.apply(box, items);
    box.hidden = items.length === 0;
  }

  var lastSaid = "";
  function announce(text) {
    var node = $("announcer");
    if (!node || !text) { return; }
    // The same words twice in a row are not read again unless the node changes; add a thin space.
    node.textContent = text === lastSaid ? text + "\u2009" : text;
    lastSaid = text;
  }

  function toast(message) {
    var node = $("toast");
    if (!node || !message) { return; }
    var bar = $("controls");
    var barHeight = bar && !bar.hidden ? bar.getBoundingClientRect().height : 0;
    node.style.bottom = (barHeight + 12) + "px";
    node.textContent = message;
    node.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { node.hidden = true; }, 4000);
  }

  window.Facilitator.notices = { render: renderNotices, split: split, announce: announce, toast: toast };
}());
