/* Typed capture on the live page: one field at the top files what the turn holder said as the round's
   item (a tip, a question, a compliment) or a note; the step's own outcome is typed in the stage. */
(function () {
  "use strict";

  var d = window.Facilitator.dom;
  var live = window.Facilitator.live;
  var toast = window.Facilitator.notices.toast;
  var $ = d.$, setText = d.setText, show = d.show;
  // The outcome kinds and their titles come from the server (facilitator.events), never a copy here.
  var OUTCOME_TITLES = {};
  JSON.parse(document.getElementById("live").dataset.titles).outcomes.forEach(function (pair) {
    OUTCOME_TITLES[pair[0]] = pair[1];
  });
  // The outcome the page was rendered with is already filled in by the server.
  var shownOutcome = ($("step-outcome-text") || { dataset: {} }).dataset.outcome || null;

  function outcomesNow() {
    return fetch(document.getElementById("live").dataset.outcomes, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : {}; });
  }

  function label(v) {
    var round = v.step && v.step.round;
    if (v.status === "running" || v.status === "paused") {
      if (round && round.turn && round.item_word) {
        var word = round.item_word;
        return word.charAt(0).toUpperCase() + word.slice(1) + " van " + round.turn;
      }
      if (round && round.responding) { return "Reactie van " + v.inbrenger; }
    }
    return "Notitie";
  }

  function render(v) {
    setText($("capture-label"), label(v));
    show($("capture"), v.status !== "finished");
    var form = $("step-outcome");
    if (!form) { return; }
    var kind = v.step && v.status !== "finished" ? v.step.outcome : null;
    var title = kind && OUTCOME_TITLES[kind];
    show(form, !!title);
    // Said aloud and heard: the inbrenger's last line can become the outcome as it stands.
    setText($("mark-outcome-who"), v.inbrenger || "de inbrenger");
    show($("mark-outcome"), !!title && !!$("transcript").querySelector("li:not(#partial)"));
    if (!title) { shownOutcome = null; return; }
    if (kind === shownOutcome) { return; }
    // A new step asks for its outcome: fill in what is known, so it can be corrected in place.
    shownOutcome = kind;
    setText($("step-outcome-label"), title);
    form.querySelector('input[name="command"]').value = kind === "hulpvraag" ? "set_hulpvraag" : "set_outcome";
    form.querySelector('input[name="kind"]').value = kind;
    var field = $("step-outcome-text");
    field.value = (kind === "hulpvraag" ? v.hulpvraag : "") || "";
    if (kind !== "hulpvraag") {
      outcomesNow()
        .then(function (o) { if (shownOutcome === kind && !field.value) { field.value = o[kind] || ""; } })
        .catch(function () {});
    }
  }

  document.querySelectorAll("form[data-capture]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var data = new FormData(form);
      var kind = data.get("command");
      var args = {};
      ["text", "kind"].forEach(function (name) { if (data.has(name)) { args[name] = String(data.get(name)).trim(); } });
      if (data.get("for_turn") === "1") { args.for_turn = true; }
      if (kind !== "set_outcome") { delete args.kind; }
      if (!args.text) { return; }
      var what = form.id === "capture" ? $("capture-label").textContent : "";
      live.send(kind, args, "web").then(function (ok) {
        if (!ok) { return; }
        if (kind === "note") { form.querySelector('input[name="text"]').value = ""; }
        toast(what ? "Vastgelegd: " + what.charAt(0).toLowerCase() + what.slice(1) + "." : "Vastgelegd.");
        live.refreshOutcomes();
      });
    });
  });

  var mark = $("mark-outcome");
  if (mark) {
    mark.addEventListener("click", function () {
      var kind = shownOutcome;
      live.send("mark_outcome", { kind: kind }, "web").then(function (ok) {
        if (!ok) { return; }
        outcomesNow()
          .then(function (o) {
            var text = (kind === "hulpvraag" ? o.hulpvraag : o[kind]) || "";
            $("step-outcome-text").value = text;
            toast("Overgenomen: " + text);
            live.refreshOutcomes();
          });
      });
    });
  }

  // Esc in any capture field gives the keys back to the meeting.
  document.querySelectorAll("form[data-capture] input[type=text]").forEach(function (field) {
    field.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { field.blur(); document.getElementById("stage").focus({ preventScroll: true }); }
    });
  });

  window.Facilitator.capture = { render: render, label: label };
  var v = live.view();
  if (v) { render(v); }
}());
