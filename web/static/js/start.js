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
    updateGroupHint();
  }

  search.addEventListener("input", function () {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (li) {
      var hay = li.dataset.search || "";
      var match = words.every(function (w) { return hay.indexOf(w) >= 0; });
      li.hidden = !match;
      if (match) { shown += 1; }
    });
    $("no-methods").hidden = shown > 0;
  });
  form.querySelectorAll('input[name="method"]').forEach(function (radio) {
    radio.addEventListener("change", showDetail);
  });

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
    textarea.value = people.join("\n");
    if (people.indexOf(inbrengerField.value) < 0) { inbrengerField.value = ""; }
    if (people.indexOf(begeleiderField.value) < 0) { begeleiderField.value = ""; }
    renderPeople();
    renderBegeleider();
    updateGroupHint();
    schedulePrevious();
  }

  function button(label, title, onClick, disabled) {
    var b = el("button", "", label);
    b.type = "button";
    b.title = title;
    b.setAttribute("aria-label", title);
    b.disabled = !!disabled;
    b.addEventListener("click", onClick);
    return b;
  }

  function renderPeople() {
    var rows = people.map(function (name, i) {
      var li = el("li", name === inbrengerField.value ? "is-inbrenger" : "");
      var toggle = el("button", "role-toggle", name === inbrengerField.value ? "Inbrenger" : "Maak inbrenger");
      toggle.type = "button";
      toggle.setAttribute("aria-pressed", name === inbrengerField.value ? "true" : "false");
      toggle.addEventListener("click", function () { inbrengerField.value = name; sync(); });
      li.append(
        el("span", "person", name), toggle,
        button("↑", name + " een plaats naar voren", function () { move(i, -1); }, i === 0),
        button("↓", name + " een plaats naar achteren", function () { move(i, 1); }, i === people.length - 1),
        button("×", name + " verwijderen", function () { people.splice(i, 1); sync(); })
      );
      return li;
    });
    list.replaceChildren.apply(list, rows);
    $("people-empty").hidden = people.length > 0;
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
      newPerson.setCustomValidity(name + " staat al in de lijst.");
      newPerson.reportValidity();
      return;
    }
    people.push(name);
    newPerson.value = "";
    sync();
    newPerson.focus();
  }

  newPerson.addEventListener("input", function () { newPerson.setCustomValidity(""); });
  newPerson.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); add(); }
  });
  $("add-person").addEventListener("click", add);
  begeleiderSelect.addEventListener("change", function () { begeleiderField.value = begeleiderSelect.value; });

  function updateGroupHint() {
    var hint = $("group-hint");
    var size = groupSizes[selectedMethod()];
    var n = people.length;
    var text = n + (n === 1 ? " deelnemer" : " deelnemers");
    if (size && n && (n < size[0] || n > size[1])) {
      text += ". Deze werkvorm is bedoeld voor " + (size[0] === size[1] ? size[0] : size[0] + " tot " + size[1]) + " personen.";
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

  form.addEventListener("submit", function (e) {
    if (newPerson.value.trim()) { add(); }
    textarea.value = people.join("\n");
    if (!people.length) {
      e.preventDefault();
      newPerson.setCustomValidity("Voeg eerst de deelnemers toe.");
      newPerson.reportValidity();
      return;
    }
    if (!inbrengerField.value) {
      e.preventDefault();
      newPerson.setCustomValidity("Kies wie de casus inbrengt: klik bij die naam op ‘Maak inbrenger’.");
      newPerson.reportValidity();
    }
  });

  sync();
  showDetail();
}());
