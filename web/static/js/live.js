/* The live page: follows the meeting by server-sent events and sends commands from buttons and keys.
   The server owns the clock: this page only counts down between two state messages. */
(function () {
  "use strict";

  var root = document.getElementById("live");
  if (!root) { return; }
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var canControl = root.dataset.control === "yes";

  var d = window.Facilitator.dom;
  var tr = window.Facilitator.transcript;
  var $ = d.$, el = d.el, setText = d.setText, show = d.show, clock = d.clock;
  var setWidth = d.setWidth;
  var addLine = tr.addLine, showPartial = tr.showPartial;
  var renderTranscript = tr.renderTranscript, renderOutcomes = tr.renderOutcomes;
  var notices = window.Facilitator.notices, announce = notices.announce, toast = notices.toast;

  var STATUS = JSON.parse(root.dataset.titles).status;  // web/shaping.py STATUS_WORDS, served on the page
  var KEYS = {
    // The same keys as the terminal runner (facilitator run), plus the arrows.
    "n": "next_turn", "Enter": "next_turn", "p": "pass", "t": "tip", "h": "repeat", "r": "remaining",
    "s": "next_step", "ArrowRight": "next_step", "v": "previous_step", "ArrowLeft": "previous_step",
    " ": "toggle_pause", "+": "extend", "=": "extend"
  };

  var terugkoppeling = (root.dataset.terugkoppeling || "").split(",").filter(Boolean).map(Number);
  var view = null;
  var receivedAt = 0;
  var lostAt = null;   // when the stream dropped: the clock stands still until the server speaks again
  var source = null;
  var warned = "";     // the last time warning announced for this step
  var resync = true;   // the stream's first state after (re)connecting is the server's present, whatever its number

  // -- the clock between two state messages ------------------------------------

  function secondsSinceState() {
    if (!view || view.status !== "running") { return 0; }
    return ((lostAt === null ? performance.now() : lostAt) - receivedAt) / 1000;
  }

  function renderTimer() {
    if (!view) { return; }
    var step = view.step;
    var dt = secondsSinceState();
    setText($("elapsed"), clock((view.elapsed_seconds || 0) + dt));
    var countdown = $("countdown");
    if (!step) {
      setText(countdown, "–");
      return;
    }
    // Near the end is worked out here, between two messages: the server sends none at that moment.
    var t = d.timer(step, dt);
    var timeUp = t.timeUp, nearEnd = t.nearEnd, text = t.text;
    setText(countdown, text);
    countdown.classList.toggle("time-up", timeUp);
    countdown.classList.toggle("near-end", nearEnd);
    countdown.classList.toggle("paused", view.status === "paused");
    var bar = $("timebar");
    bar.classList.toggle("time-up", timeUp);
    bar.classList.toggle("near-end", nearEnd);
    setWidth(bar.firstElementChild, t.percent);
    var live = view.status === "running" || view.status === "paused";
    // A finished meeting has no clock left to show; a frozen "1:59 van 2:00" would only puzzle.
    show($("timer-block"), view.status !== "finished");
    var word = lostAt !== null && live ? "Verbinding weg" : view.status === "paused" ? "Gepauzeerd"
      : !live ? "" : timeUp ? "Tijd is om" : nearEnd ? "Bijna tijd" : "";
    setText($("timer-status"), word);
    countdown.classList.toggle("stale", lostAt !== null);
    var warning = live && view.status === "running" ? (timeUp ? "Tijd is om" : nearEnd ? "Bijna tijd" : "") : "";
    if (warning && warning !== warned) { announce(warning + ": " + step.title + "."); }
    warned = warning;
    document.title = text + " · " + step.title;
  }

  // -- rendering the state --------------------------------------------------------

  // A command's answer can arrive after the stream's newer state (a busy machine): the older one is dropped.
  // The server numbers its views; a restarted server counts again from 1, hence the resync.
  function newer(v, fromStream) {
    if (fromStream && resync) { resync = false; return true; }
    return !view || v.seq == null || view.seq == null || v.seq >= view.seq;
  }

  function render(v, fromStream) {
    if (!newer(v, fromStream)) { return; }
    var before = view;
    view = v;
    tr.setStartedAt(v.started_at);
    receivedAt = performance.now();
    lostAt = null;
    announceChanges(before, v);
    var step = v.step;
    var badge = $("status-badge");
    setText(badge, STATUS[v.status] || v.status);
    badge.className = "badge status-" + v.status;

    setText($("step-label"), v.status === "ready" ? "Klaar om te beginnen · eerste stap"
      : v.status === "finished" ? "Afgerond" : step ? "Stap " + (step.index + 1) + " van " + step.count : "");
    setText($("step-title"), step ? step.title : (v.method && v.method.name) || "");
    setText($("timer-planned"), step ? "van " + clock(step.planned_seconds || 0) : "");
    setText($("cue"), v.status === "finished" ? "De bijeenkomst is afgerond. Dank jullie wel." : step ? (step.cue || "") : "");
    renderList($("examples"), step ? step.examples || [] : []);
    var active = v.status === "running" || v.status === "paused";
    show($("silence"), !!(step && step.silence) && active);
    $("stage").classList.toggle("is-silence", !!(step && step.silence) && active);
    var rounds = !!(step && step.round);
    var nextTurn = document.querySelector('[data-command="next_turn"]');
    var nextStep = document.querySelector('[data-command="next_step"]');
    if (nextTurn) { nextTurn.classList.toggle("primary", rounds); }
    if (nextStep) { nextStep.classList.toggle("primary", !rounds); }
    showSay(v.last_say);
    var previous = $("previous-tips");
    if (previous) { show(previous, !!step && terugkoppeling.indexOf(step.index) >= 0 && v.status !== "finished"); }

    renderTurn(step);
    if (window.Facilitator.capture) { window.Facilitator.capture.render(v); }
    show($("start-row"), v.status === "ready" && canControl);
    show($("controls"), (v.status === "running" || v.status === "paused") && canControl);
    show($("secondary-controls"), (v.status === "running" || v.status === "paused") && canControl);
    show($("finished-row"), v.status === "finished");
    var pause = $("pause-button");
    if (pause) {
      pause.value = v.status === "paused" ? "resume" : "pause";
      pause.firstChild.textContent = (v.status === "paused" ? "Verder" : "Pauze") + " ";
    }
    tr.renderSteps(v.steps || []);
    tr.renderBars(v);
    renderTimer();
    notices.render(v.notices || []);
    // mode is "voice" until a microphone is reported lost, so only the manual case is worth saying.
    setText($("mode"), v.mode === "manual" ? "zonder spraak" : "");
    document.dispatchEvent(new CustomEvent("facilitator:state", { detail: v }));
  }

  function announceChanges(before, v) {
    if (!before) { return; }
    var step = v.step || {}, old = before.step || {};
    var round = step.round || {}, oldRound = old.round || {};
    if (v.status !== before.status && (v.status === "paused" || v.status === "finished")) {
      announce(v.status === "paused" ? "Gepauzeerd." : "De bijeenkomst is afgerond.");
    } else if (step.index !== old.index || (before.status === "ready" && v.status === "running")) {
      warned = "";
      announce("Stap " + (step.index + 1) + ": " + step.title + ".");
    } else if (round.turn && round.turn !== oldRound.turn) {
      announce("Aan de beurt: " + round.turn + ".");
    } else if (round.responding && !oldRound.responding) {
      announce("De inbrenger reageert: " + v.inbrenger + ".");
    }
  }

  function showSay(text) {
    // The step's own instruction is already on screen; show only what else was said.
    var cue = view && view.step ? view.step.cue || "" : "";
    var visible = !!text && !(cue && text.indexOf(cue) >= 0);
    setText($("say"), text || "");
    show($("say"), visible);
  }

  function renderList(list, items) {
    list.replaceChildren.apply(list, items.map(function (item) { return el("li", "", item); }));
  }

  function renderTurn(step) {
    var round = step && step.round;
    show($("turn"), !!round);
    var speakers = $("speakers");
    if (!round) {
      var nodes = [];
      if (step && step.speakers && step.speakers.length) {
        nodes.push(el("div", "who-label", "Aan het woord"), el("div", "who-small", d.roleWords(step.speakers, view)));
      }
      if (step && step.listeners && step.listeners.length) {
        nodes.push(el("div", "who-label", "Luisteren"), el("div", "who-small", d.roleWords(step.listeners, view)));
      }
      speakers.replaceChildren.apply(speakers, nodes);
      var active = view.status === "running" || view.status === "paused";
      show(speakers, active && !(step && step.silence) && nodes.length > 0);
      return;
    }
    show(speakers, false);
    var who = round.turn || (round.responding ? view.inbrenger : "—");
    setText($("turn-who"), who);
    setText($("turn-label"), round.turn ? "Aan de beurt" : round.responding ? "De inbrenger reageert" : "Ronde klaar");
    setText($("round-number"), "Ronde " + (round.number || 1));
    setText($("round-item"), round.item_word || "");
    setText($("turn-next"), round.next || "—");
    setText($("turn-passed"), round.passed && round.passed.length ? round.passed.join(", ") : "niemand");
    var order = $("order");
    order.replaceChildren.apply(order, (round.order || []).map(function (name) {
      var cls = name === round.turn ? "current" : (round.passed || []).indexOf(name) >= 0 ? "passed" : "";
      return el("span", cls, name);
    }));
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); });
  }

  function refreshOutcomes() { getJSON(root.dataset.outcomes).then(renderOutcomes).catch(function () {}); }
  function refreshTranscript() { getJSON(root.dataset.transcript).then(renderTranscript).catch(function () {}); }

  // -- live connection -------------------------------------------------------------

  function setConnection(text, lost) {
    var node = $("connection");
    setText(node, text);
    node.classList.toggle("lost", !!lost);
  }

  function connect() {
    if (source) { source.close(); }
    source = new EventSource(root.dataset.events);
    source.addEventListener("open", function () {
      setConnection("live", false);
      resync = true;
      // Whatever happened while we were away: fetch it whole.
      refreshTranscript();
      refreshOutcomes();
    });
    source.addEventListener("state", function (e) { render(JSON.parse(e.data), true); });
    source.addEventListener("transcript", function (e) { addLine(JSON.parse(e.data)); });
    source.addEventListener("partial", function (e) { showPartial(JSON.parse(e.data)); });
    source.addEventListener("removed", function (e) {
      // A command's own words that had become a line: gone from every screen, not only after a reload.
      var id = JSON.parse(e.data).id;
      var node = $("transcript").querySelector('li[data-id="' + CSS.escape(String(id)) + '"]');
      if (node) { node.remove(); }
    });
    source.addEventListener("outcome", function () { refreshOutcomes(); });
    source.addEventListener("say", function (e) {
      var data = JSON.parse(e.data);
      var text = typeof data === "string" ? data : data && data.text;
      if (text) { showSay(text); }
    });
    source.addEventListener("rejected", function (e) {
      var data = JSON.parse(e.data);
      toast(typeof data === "string" ? data : data && (data.reason || data.text));
    });
    source.addEventListener("deleted", function () {
      source.close();
      window.location.assign("/bijeenkomsten");
    });
    source.addEventListener("error", function () {
      setConnection("verbinding weg — opnieuw verbinden…", true);
      if (lostAt === null) { lostAt = performance.now(); renderTimer(); }
      if (source.readyState === EventSource.CLOSED) {
        // The server refused (busy or restarting): try again ourselves.
        setTimeout(connect, 3000);
      }
    });
  }

  // -- commands ---------------------------------------------------------------------

  // One command at a time, each with the view its predecessor's answer left: a key pressed again before
  // the answer came names the turn that answer shows, so four quick "n" move four turns (two screens, one).
  var queue = Promise.resolve();
  function send(kind, args, channel) {
    var run = queue.then(function () { return post(kind, args, channel); });
    queue = run;  // post never rejects
    return run;
  }

  function post(kind, args, channel) {
    if (kind === "toggle_pause") { kind = view && view.status === "paused" ? "resume" : "pause"; }
    var body = Object.assign({ command: kind, source: channel || "web" }, args || argsFor(kind));
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, 10000);  // a hung answer must not hold the next
    return fetch(root.dataset.commands, {
      method: "POST",
      credentials: "same-origin",
      signal: abort.signal,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) {
      clearTimeout(timer);
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (data && data.view) { render(data.view); }
        if (!r.ok) { toast((data && (data.reason || data.error)) || "Dat lukte niet."); }
        return r.ok;
      });
    }).catch(function () {
      clearTimeout(timer);
      toast("Geen verbinding met de server.");
      return false;
    });
  }

  function argsFor(kind) {
    if (kind === "extend") { return { seconds: 60 }; }
    // Name the turn this screen shows: when two screens press at once, the turn moves on once.
    if ((kind === "next_turn" || kind === "pass") && view && view.step && view.step.round && view.step.round.turn_id != null) {
      return { expect_turn: view.step.round.turn_id };
    }
    return {};
  }

  function flash(button) {
    if (!button) { return; }
    button.classList.add("pressed");
    setTimeout(function () { button.classList.remove("pressed"); }, 200);
  }

  var controls = $("controls-form");
  if (controls) {
    controls.addEventListener("submit", function (e) {
      e.preventDefault();
      var button = e.submitter;
      if (!button) { return; }
      var kind = button.dataset.command || button.value;
      if (!confirmed(kind, button)) { return; }
      button.disabled = true;
      send(kind, null, "web").then(function (ok) {
        button.disabled = false;
        // The button was replaced by nothing: keep the keyboard user's place (WCAG 2.4.3).
        if (document.activeElement === document.body) { button.focus(); }
        if (ok) { afterCommand(kind); }
      });
    });
  }

  // A key is the meeting's, not the field's or the focused button's own (shared with live-choices.js).
  function ownKey(e) {
    if (!canControl || !view || e.ctrlKey || e.metaKey || e.altKey) { return false; }
    var target = e.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) { return false; }
    return !((tag === "BUTTON" || tag === "A" || tag === "SUMMARY") && (e.key === " " || e.key === "Enter"));
  }

  document.addEventListener("keydown", function (e) {
    if (!ownKey(e)) { return; }
    if (e.key === "Enter" && view.status === "ready" && document.querySelector('[data-command="start"]')) {
      e.preventDefault();
      flash(document.querySelector('[data-command="start"]'));
      send("start", {}, "keyboard");
      return;
    }
    var key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    var capture = $("capture-text");
    // "i" types something in; without voice "t" has nothing said to mark, so it types a tip in too.
    if (capture && (key === "i" || (key === "t" && view.mode === "manual")) && view.status !== "finished") {
      e.preventDefault();
      capture.focus({ preventScroll: true });
      return;
    }
    var kind = KEYS[key];
    if (!kind || (view.status !== "running" && view.status !== "paused")) { return; }
    e.preventDefault();
    if (!confirmed(kind)) { return; }
    flash(document.querySelector('[data-command="' + kind + '"]'));
    send(kind, null, "keyboard").then(function (ok) { if (ok) { afterCommand(kind); } });
  });

  // Ending is asked first: "Afronden", and "Volgende stap" (or skipping) on the last step.
  function confirmed(kind, button) {
    var step = view && view.step;
    var last = step && step.index + 1 >= step.count;
    var ask = button && button.dataset.confirm ? button.dataset.confirm
      : last && (kind === "next_step" || kind === "skip") ? "Dit is de laatste stap. De bijeenkomst nu afronden?" : "";
    return !ask || window.confirm(ask);
  }

  var reopen = $("reopen-form");
  if (reopen) {
    reopen.addEventListener("submit", function (e) {
      e.preventDefault();
      send("reopen", {}, "web").then(function (ok) {
        if (ok) { var start = document.querySelector('[data-command="toggle_pause"]'); if (start) { start.focus(); } }
      });
    });
  }

  // "Herhaal" without a loudspeaker: show the instruction again, so the room can read it aloud.
  function afterCommand(kind) {
    if (kind !== "repeat" || !view || !view.step) { return; }
    var cue = $("cue");
    cue.classList.remove("repeated");
    void cue.offsetWidth;  // restart the highlight
    cue.classList.add("repeated");
    cue.scrollIntoView({ block: "nearest" });
    announce(view.step.cue || view.step.title);
  }

  window.Facilitator.live = { send: send, refreshOutcomes: refreshOutcomes, ownKey: ownKey, flash: flash,
    view: function () { return view; } };
  setInterval(renderTimer, 250);
  connect();
}());
