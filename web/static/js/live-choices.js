/* The meeting's choices on the live page, as buttons and keys: who brings the case (the names; the seat
   number as key), ja or nee for an optional step (J, X), and W/N/K for the questions
   where the method rates them. Each choice is announced, and the keyboard's place is kept. */
(function () {
  "use strict";

  var root = document.getElementById("live");
  var live = window.Facilitator.live;
  if (!root || !live || root.dataset.control !== "yes") { return; }
  var d = window.Facilitator.dom;
  var announce = window.Facilitator.notices.announce;
  var $ = d.$, el = d.el, show = d.show;
  var RATINGS = JSON.parse(root.dataset.titles).ratings;  // W, N, K with their words (events.RATINGS)
  var outcomes = {};
  var shownNames = "";

  function candidates(v) {
    return (v.participants || []).map(function (name, i) { return { name: name, seat: i + 1 }; })
      .filter(function (p) { return p.name !== v.procesbegeleider; });
  }

  function renderChoose(v) {
    var box = $("choose-inbrenger");
    show(box, !!v.choosing_inbrenger);
    if (!v.choosing_inbrenger) { return; }
    var people = candidates(v);
    var key = people.map(function (p) { return p.name; }).join("\n");
    if (key === shownNames) { return; }
    shownNames = key;
    var row = $("choose-buttons");
    row.replaceChildren.apply(row, people.map(function (p) {
      var button = el("button", "", p.name + " ");
      button.type = "button";
      button.dataset.name = p.name;
      if (p.seat < 10) { button.append(el("kbd", "", String(p.seat))); }
      return button;
    }));
  }

  function choose(name) {
    live.send("choose_inbrenger", { name: name }, "web").then(function (ok) {
      if (!ok) { return; }
      announce(name + " brengt de casus in.");
      $("stage").focus({ preventScroll: true });   // the names are gone: the keys go on from the stage
    });
  }

  function answer(value) {
    live.send("answer", { answer: value }, "web").then(function (ok) {
      if (!ok) { return; }
      announce(value === "ja" ? "Ja gekozen." : "Nee gekozen.");
      $("stage").focus({ preventScroll: true });
    });
  }

  // The items this step rates: those of the rated round just before it.
  function rateable(v) {
    var before = (v.steps || [])[v.step.index - 1];
    var items = [];
    Object.keys(outcomes.items || {}).forEach(function (kind) {
      items = items.concat(outcomes.items[kind].filter(function (item) { return before && item.step === before.title; }));
    });
    return items;
  }

  function renderRating() {
    var v = live.view();
    var on = !!(v && v.step && v.step.rates && (v.status === "running" || v.status === "paused"));
    show($("rating"), on);
    if (!on) { return; }
    var items = rateable(v);
    var active = document.activeElement;
    var focusKey = active && active.dataset && active.dataset.utterance ? active.dataset.utterance + active.dataset.rating : "";
    var list = $("rating-list");
    list.replaceChildren.apply(list, items.map(function (item) {
      var li = el("li", "", item.text || "");
      if (item.by) { li.append(" ", el("span", "by", "— " + item.by)); }
      var group = el("span", "rating-buttons");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Waardering van: " + (item.text || ""));
      Object.keys(RATINGS).forEach(function (code) {
        var button = el("button", "rating-" + code, RATINGS[code]);
        button.type = "button";
        button.dataset.utterance = item.utterance;
        button.dataset.rating = code;
        button.setAttribute("aria-pressed", item.rating === code ? "true" : "false");
        group.append(button);
      });
      li.append(group);
      return li;
    }));
    show($("rating-empty"), items.length === 0);
    if (focusKey) {
      var again = list.querySelector('button[data-utterance="' + CSS.escape(focusKey.slice(0, -1)) + '"][data-rating="' + focusKey.slice(-1) + '"]');
      if (again) { again.focus({ preventScroll: true }); }
    }
  }

  function rate(button) {
    var pressed = button.getAttribute("aria-pressed") === "true";
    var rating = pressed ? "-" : button.dataset.rating;
    var text = button.parentNode.parentNode.firstChild.textContent;
    live.send("rate", { utterance: button.dataset.utterance, rating: rating }, "web").then(function (ok) {
      if (!ok) { return; }
      announce(pressed ? "Waardering weg: " + text : button.textContent + ": " + text);
      live.refreshOutcomes();
    });
  }

  function render(v) {
    renderChoose(v);
    show($("ask"), !!v.asking && v.status !== "finished");
    renderRating();
  }

  root.addEventListener("click", function (e) {
    var button = e.target.closest("button");
    if (!button) { return; }
    if (button.dataset.name && button.closest("#choose-inbrenger")) { choose(button.dataset.name); }
    else if (button.dataset.answer) { answer(button.dataset.answer); }
    else if (button.dataset.rating && button.closest("#rating")) { rate(button); }
  });

  document.addEventListener("keydown", function (e) {
    if (!live.ownKey(e)) { return; }
    var v = live.view();
    var key = e.key.toLowerCase();
    if (v.asking && (key === "j" || key === "x")) {
      e.preventDefault();
      live.flash(document.querySelector('#ask button[data-answer="' + (key === "j" ? "ja" : "nee") + '"]'));
      answer(key === "j" ? "ja" : "nee");
    } else if (v.choosing_inbrenger && /^[1-9]$/.test(key)) {
      var seat = candidates(v).filter(function (p) { return String(p.seat) === key; })[0];
      if (seat) { e.preventDefault(); choose(seat.name); }
    }
  });

  document.addEventListener("facilitator:outcomes", function (e) { outcomes = e.detail || {}; renderRating(); });
  document.addEventListener("facilitator:state", function (e) { render(e.detail); });
  var v = live.view();
  if (v) { render(v); }
  live.refreshOutcomes();
}());
