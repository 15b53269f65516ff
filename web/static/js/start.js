/* The Start page: find a method, seat the participants, pick the inbrenger, offer last time's tips.
   Without this script the page still works: a textarea of names and two text fields. */
(function () {
  "use strict";

  var form = document.getElementById("setup");
  if (!form) { return; }

  function $(id) { return document.getElementById(id); }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // -- method search and details ------------------------------------------------

  var search = $("method-search");
  var items = Array.prototype.slice.call(document.querySelectorAll("#method-list li"));
  var groupSizes = {};

  function selectedMethod() {
    var checked = form.querySelector('input[name="method"]:checked');
    return checked ? checked.value : null;
  }

  function showDetail() {
    var id = selectedMethod();
    document.querySelectorAll(".method-detail").forEach(function (detail) {
      detail.hidden = detail.dataset.method !== id;
    });
    $("no-method-chosen").hidden = !!id;
    updateGroupHint();
  }

  // Lower case without accents, as the server folds the cards: "bálint" finds "Balint".
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  search.addEventListener("input", function () {
    var words = fold(search.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (li) {
      var hay = fold(li.dataset.search || "");
      var match = words.every(function (w) { return hay.indexOf(w) >= 0; });
      li.hidden = !match;
      if (match) { shown += 1; }
    });
    $("no-methods").hidden = shown > 0;
  });
  form.querySelectorAll('input[name="method"]').forEach(function (radio) {
    radio.addEventListener("change", function () {
      try { localStorage.setItem("facilitator.method", radio.value); } catch (e) { /* private mode */ }
      showDetail();
    });
  });

  // Nothing is chosen for the user; the last method this browser used is offered again.
  if (!selectedMethod()) {
    var last = null;
    try { last = localStorage.getItem("facilitator.method"); } catch (e) { last = null; }
    var radio = last && form.querySelector('input[name="method"][value="' + CSS.escape(last) + '"]');
    if (radio) { radio.checked = true; }
  }

  // -- clock times on the agenda -------------------------------------------------------

  var startTime = $("start-time");
  function renderTimes() {
    var m = (startTime.value || "").match(/^(\d\d):(\d\d)$/);
    if (!m) { return; }
    var base = Number(m[1]) * 60 + Number(m[2]);
    document.querySelectorAll("[data-agenda] tr[data-offset]").forEach(function (row) {
      var t = Math.round(base + Number(row.dataset.offset)) % 1440;
      row.querySelector(".starts").textContent = (t < 600 ? "0" : "") + Math.floor(t / 60) + ":" + (t % 60 < 10 ? "0" : "") + (t % 60);
    });
    document.querySelectorAll("a[data-agenda-link]").forEach(function (link) {
      var url = new URL(link.href, window.location.href);
      url.searchParams.set("begin", startTime.value);
      link.href = url.pathname + url.search;
    });
  }
  startTime.addEventListener("input", renderTimes);

  document.querySelectorAll(".method-detail").forEach(function (detail) {
    var m = (detail.dataset.group || "").match(/^(\d+)-(\d+)$/);
    if (m) { groupSizes[detail.dataset.method] = [Number(m[1]), Number(m[2])]; }
  });

  // -- participants ---------------------------------------------------------------

  var textarea = $("participants_text");
  var inbrengerField = $("inbrenger");
  var begeleiderField = $("procesbegeleider");
  var begeleiderSelect = $("procesbegeleider-select");
  var list = $("people-list");
  var newPerson = $("new-person");
  var people = textarea.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);

  $("people-plain").hidden = true;
  $("people-editor").hidden = false;

  function sync() {
    problem("");
    textarea.value = people.join("\n");
    if (people.indexOf(inbrengerField.value) < 0) { inbrengerField.value = ""; }
    if (people.indexOf(begeleiderField.value) < 0) { begeleiderField.value = ""; }
    renderPeople();
    renderBegeleider();
    updateGroupHint();
    schedulePrevious();
  }

  // After a list control the list is rebuilt; focus goes back to the same control of the same person,
  // so a keyboard user keeps their place (WCAG 2.4.3).
  var refocus = null;

  function button(label, title, act, onClick, disabled) {
    var b = el("button", "", label);
    b.type = "button";
    b.title = title;
    b.dataset.act = act;
    b.setAttribute("aria-label", title);
    b.disabled = !!disabled;
    b.addEventListener("click", onClick);
    return b;
  }

  function renderPeople() {
    var rows = people.map(function (name, i) {
      var li = el("li", name === inbrengerField.value ? "is-inbrenger" : "");
      li.dataset.name = name;
      var toggle = el("button", "role-toggle", name === inbrengerField.value ? "Inbrenger" : "Maak inbrenger");
      toggle.type = "button";
      toggle.dataset.act = "inbrenger";
      toggle.setAttribute("aria-pressed", name === inbrengerField.value ? "true" : "false");
      toggle.append(el("span", "sr-only", " (" + name + ")"));
      toggle.addEventListener("click", function () { refocus = [name, "inbrenger"]; inbrengerField.value = name; sync(); });
      li.append(
        el("span", "person", name), toggle,
        button("↑", name + " een plaats naar voren", "up", function () { refocus = [name, "up"]; move(i, -1); }, i === 0),
        button("↓", name + " een plaats naar achteren", "down", function () { refocus = [name, "down"]; move(i, 1); }, i === people.length - 1),
        button("×", name + " verwijderen", "remove", function () {
          var after = people[i + 1] || people[i - 1];
          refocus = after ? [after, "remove"] : null;
          people.splice(i, 1);
          sync();
          if (!after) { newPerson.focus(); }
        })
      );
      return li;
    });
    list.replaceChildren.apply(list, rows);
    $("people-empty").hidden = people.length > 0;
    if (refocus) {
      var row = Array.prototype.find.call(list.children, function (li) { return li.dataset.name === refocus[0]; });
      var target = row && row.querySelector('[data-act="' + refocus[1] + '"]');
      if (target && target.disabled) { target = row.querySelector('[data-act="' + (refocus[1] === "up" ? "down" : "up") + '"]'); }
      if (target && !target.disabled) { target.focus(); }
      refocus = null;
    }
  }

  function renderBegeleider() {
    var options = [el("option", "", "Niemand: de facilitator leidt")];
    options[0].value = "";
    people.forEach(function (name) {
      var option = el("option", "", name);
      option.value = name;
      options.push(option);
    });
    begeleiderSelect.replaceChildren.apply(begeleiderSelect, options);
    begeleiderSelect.value = begeleiderField.value;
  }

  function move(i, delta) {
    var j = i + delta;
    if (j < 0 || j >= people.length) { return; }
    var name = people[i];
    people[i] = people[j];
    people[j] = name;
    sync();
  }

  function add() {
    var name = newPerson.value.trim().replace(/\s+/g, " ");
    if (!name) { return; }
    if (people.some(function (p) { return p.toLowerCase() === name.toLowerCase(); })) {
      problem(name + " staat al in de lijst.", newPerson);
      return;
    }
    people.push(name);
    newPerson.value = "";
    sync();
    newPerson.focus();
  }

  newPerson.addEventListener("input", function () { problem(""); });
  newPerson.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); add(); }
  });
  $("add-person").addEventListener("click", add);
  begeleiderSelect.addEventListener("change", function () { begeleiderField.value = begeleiderSelect.value; });

  // Methods in which the group chooses the inbrenger in the meeting (Balint, snelle adviesrondes...).
  function choosesLater() {
    var checked = document.querySelector('input[name="method"]:checked');
    return !!(checked && checked.hasAttribute("data-chooses-inbrenger"));
  }

  function updateGroupHint() {
    var hint = $("group-hint");
    var size = groupSizes[selectedMethod()];
    var n = people.length;
    var text = n + (n === 1 ? " deelnemer" : " deelnemers");
    if (size && n && (n < size[0] || n > size[1])) {
      text += ". Deze werkvorm is bedoeld voor " + (size[0] === size[1] ? size[0] : size[0] + " tot " + size[1]) + " personen.";
    } else if (n && !inbrengerField.value && choosesLater()) {
      text += ". De groep kiest tijdens de bijeenkomst wie de casus inbrengt.";
    } else if (n && !inbrengerField.value) {
      text += ". Kies nog wie de casus inbrengt.";
    } else if (n) {
      text += ".";
    } else {
      text = "";
    }
    hint.textContent = text;
  }

  // -- the group's previous meeting ---------------------------------------------------

  var previousTimer = null;
  function schedulePrevious() {
    clearTimeout(previousTimer);
    previousTimer = setTimeout(loadPrevious, 400);
  }

  function loadPrevious() {
    var box = $("previous");
    if (people.length < 2) { box.hidden = true; return; }
    var query = people.map(function (p) { return "participant=" + encodeURIComponent(p); }).join("&");
    fetch("/api/previous?" + query, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (prev) {
        if (!prev || !prev.id) { box.hidden = true; return; }
        var when = prev.created ? new Date(prev.created).toLocaleDateString("nl-NL", { day: "numeric", month: "long", year: "numeric" }) : "";
        $("previous-meta").textContent = [when, prev.method_name, prev.inbrenger ? "inbrenger " + prev.inbrenger : ""]
          .filter(Boolean).join(" · ");
        var tips = [];
        if (prev.hulpvraag) { tips.push(el("li", "", "Hulpvraag: " + prev.hulpvraag)); }
        Object.keys(prev.tips_by_person || {}).forEach(function (name) {
          prev.tips_by_person[name].forEach(function (tip) { tips.push(el("li", "", name + ": " + tip)); });
        });
        if (prev.volgende_stap) { tips.push(el("li", "", "Volgende stap: " + prev.volgende_stap)); }
        if (!tips.length) { tips = [el("li", "empty", "Geen tips vastgelegd.")]; }
        $("previous-tips").replaceChildren.apply($("previous-tips"), tips);
        box.hidden = false;
      })
      .catch(function () { box.hidden = true; });
  }

  // A message beside the list, never a custom validity: that one blocks every later submit until
  // someone types in the field, even after the choice it asked for was made.
  function problem(text, focusTarget) {
    var box = $("people-error");
    box.textContent = text || "";
    box.hidden = !text;
    if (text && focusTarget) { focusTarget.focus(); }
  }

  form.addEventListener("submit", function (e) {
    if (newPerson.value.trim()) { add(); }
    textarea.value = people.join("\n");
    if (!people.length) {
      e.preventDefault();
      problem("Voeg eerst de deelnemers toe.", newPerson);
      return;
    }
    if (!inbrengerField.value && !choosesLater()) {
      e.preventDefault();
      problem("Kies wie de casus inbrengt: klik bij die naam op ‘Maak inbrenger’.",
              list.querySelector(".role-toggle"));
    }
  });

  sync();
  showDetail();
  renderTimes();
}());
