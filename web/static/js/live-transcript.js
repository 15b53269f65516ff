/* The live page's transcript (finals, greyed partials), outcomes, agenda and speaking bars, rebuilt from
   server data. */
(function () {
  "use strict";

  var d = window.Facilitator.dom;
  var $ = d.$, el = d.el, show = d.show, clock = d.clock, minutesText = d.minutesText, setWidth = d.setWidth;
  // Titles of items and outcomes come from the server's one table of them (web/shaping.py PAGE_TITLES).
  var served = JSON.parse(document.getElementById("live").dataset.titles);
  var TITLES = served.items;
  var HULPVRAAG = served.outcomes[0][1];
  var TEXT_OUTCOMES = served.outcomes.slice(1);  // the hulpvraag first, then the others in their order
  var RATINGS = served.ratings;

  // Times count from Start, as in the verslag: the server sends each line's `since_start`; a line without
  // it (a partial) is placed by the Start moment the latest view carries.
  var startedAt = null;
  function setStartedAt(at) { startedAt = at == null ? null : at; }
  function sinceStart(line) {
    if (line.since_start != null) { return line.since_start; }
    return startedAt == null ? 0 : Math.max(0, (line.start || 0) - startedAt);
  }

  function lineNode(line) {
    var li = el("li", line.type === "notitie" ? "note" : "");
    if (line.id) { li.dataset.id = line.id; }
    var text = el("span", "text", line.text || "");
    if (line.type && line.type !== "notitie") { text.append(" ", el("span", "badge", line.type)); }
    li.append(el("span", "time", clock(sinceStart(line))), el("span", "speaker", line.speaker || ""), text);
    return li;
  }

  function nearBottom(list) {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 60;
  }

  function addLine(line) {
    if (line.partial) { showPartial(line); return; }
    var list = $("transcript");
    var partial = $("partial");
    var stick = nearBottom(list);
    var node = lineNode(line);
    var existing = line.id ? list.querySelector('li[data-id="' + CSS.escape(String(line.id)) + '"]') : null;
    if (existing) {
      list.replaceChild(node, existing);
    } else {
      list.insertBefore(node, partial);
    }
    partial.hidden = true;
    while (list.children.length > 301) { list.removeChild(list.firstElementChild); }
    show($("transcript-empty"), false);
    if (stick) { list.scrollTop = list.scrollHeight; }
  }

  function showPartial(line) {
    var partial = $("partial");
    var list = $("transcript");
    var stick = nearBottom(list);
    partial.children[0].textContent = clock(sinceStart(line));
    partial.children[1].textContent = line.speaker || "";
    partial.children[2].textContent = line.text || "";
    partial.hidden = !line.text;
    if (line.text) { show($("transcript-empty"), false); }
    if (stick) { list.scrollTop = list.scrollHeight; }
  }

  function renderTranscript(lines) {
    var list = $("transcript");
    var partial = $("partial");
    var nodes = lines.slice(-300).map(lineNode);
    nodes.push(partial);
    list.replaceChildren.apply(list, nodes);
    show($("transcript-empty"), lines.length === 0);
    list.scrollTop = list.scrollHeight;
  }

  function renderOutcomes(o) {
    var box = $("outcomes");
    var nodes = [el("h3", "", HULPVRAAG)];
    nodes.push(o.hulpvraag ? el("p", "hulpvraag", o.hulpvraag) : el("p", "empty", "Nog niet vastgelegd."));
    var items = o.items || {};
    Object.keys(items).forEach(function (kind) {
      var list = items[kind] || [];
      if (!list.length) { return; }
      nodes.push(el("h3", "", (TITLES[kind] || kind) + " (" + list.length + ")"));
      var ul = el("ul");
      list.forEach(function (item) {
        var li = el("li", "", item.text || "");
        if (item.by) { li.append(" ", el("span", "by", "— " + item.by)); }
        if (item.rating) { li.append(" ", el("span", "badge rating-" + item.rating, RATINGS[item.rating] || item.rating)); }
        ul.append(li);
      });
      nodes.push(ul);
    });
    TEXT_OUTCOMES.forEach(function (pair) {
      if (o[pair[0]]) { nodes.push(el("h3", "", pair[1]), el("p", "", o[pair[0]])); }
    });
    if (o.notes && o.notes.length) {
      var notes = el("ul");
      o.notes.forEach(function (n) { notes.append(el("li", "", typeof n === "string" ? n : n.text)); });
      nodes.push(el("h3", "", "Notities"), notes);
    }
    box.replaceChildren.apply(box, nodes);
    document.dispatchEvent(new CustomEvent("facilitator:outcomes", { detail: o }));
  }

  function renderSteps(steps) {
    var list = $("steps");
    list.replaceChildren.apply(list, steps.map(function (s) {
      var li = el("li", s.state + (s.skipped ? " skipped" : ""));
      var title = el("span", "t", s.title);
      if (s.skipped) { title.append(" ", el("span", "badge", "overgeslagen")); }
      li.append(el("span", "dot"), title, el("span", "m", minutesText(s.minutes) + " min"));
      return li;
    }));
  }

  function renderBars(v) {
    var speaking = v.speaking || {};
    var names = (v.participants || []).slice();
    Object.keys(speaking).forEach(function (n) { if (n !== "groep" && names.indexOf(n) < 0) { names.push(n); } });
    var longest = 1;
    names.forEach(function (n) { longest = Math.max(longest, speaking[n] || 0); });
    var rows = names.map(function (n) { return [n, speaking[n] || 0, ""]; });
    if (speaking.groep) { rows.push(["groep", speaking.groep, "group"]); longest = Math.max(longest, speaking.groep); }
    var list = $("bars");
    list.replaceChildren.apply(list, rows.map(function (row) {
      var li = el("li", row[2] + (v.current_speaker === row[0] ? " speaking" : ""));
      var track = el("span", "track");
      var fill = el("span", "fill w-0");
      setWidth(fill, row[1] / longest * 100);
      track.append(fill);
      li.append(el("span", "name", row[0]), track, el("span", "num", clock(row[1])));
      return li;
    }));
  }

  window.Facilitator.transcript = { setStartedAt: setStartedAt, addLine: addLine, showPartial: showPartial,
    renderTranscript: renderTranscript, renderOutcomes: renderOutcomes, renderSteps: renderSteps,
    renderBars: renderBars };
}());
