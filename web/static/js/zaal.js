/* The room display: step, countdown, whose turn and who is next, the instruction. It only watches:
   the server owns the clock and the facilitator's live page is where things are pressed. */
(function () {
  "use strict";

  var root = document.getElementById("zaal");
  if (!root) { return; }
  var d = window.Facilitator.dom;
  var $ = d.$, setText = d.setText, show = d.show, setWidth = d.setWidth;
  var view = null, receivedAt = 0, lostAt = null, source = null;

  function render(v) {
    view = v;
    receivedAt = performance.now();
    lostAt = null;
    setText($("z-connection"), "");
    var step = v.step || {};
    var active = v.status === "running" || v.status === "paused";
    var finished = v.status === "finished";
    var silence = !!step.silence && active;
    root.classList.toggle("is-silence", silence);
    setText($("z-label"), v.status === "ready" ? "Zo meteen · eerste stap" : finished ? "Afgerond"
      : "Stap " + (step.index + 1) + " van " + step.count);
    setText($("z-title"), finished ? v.method.name : step.title || "");
    // While the room answers a question or chooses its inbrenger, the next step's instruction is not yet for them.
    var waiting = !!(v.asking || v.choosing_inbrenger);
    setText($("z-cue"), finished ? "De bijeenkomst is afgerond. Dank jullie wel." : waiting ? "" : step.cue || "");
    show($("z-countdown"), !finished);
    show($("z-silence"), silence);
    var round = step.round;
    var name = $("z-name");
    name.classList.toggle("is-long", !!(v.choosing_inbrenger || v.asking));
    show($("z-who"), active && !silence);
    if (v.choosing_inbrenger) {
      // The group chooses in the room; the display shows who can, the live page takes the choice.
      setText($("z-who-label"), "Wie brengt de casus in?");
      setText(name, (v.participants || []).join(" · "));
      show($("z-next"), false);
    } else if (v.asking) {
      setText($("z-who-label"), "Ja of nee?");
      setText(name, v.question || "");
      show($("z-next"), false);
    } else if (round) {
      setText($("z-who-label"), round.turn ? "Aan de beurt" : round.responding ? "De inbrenger reageert" : "Ronde klaar");
      setText(name, round.turn || (round.responding ? v.inbrenger : "—"));
      setText($("z-next-name"), round.next || "");
      show($("z-next"), !!round.next);
    } else {
      setText($("z-who-label"), "Aan het woord");
      setText(name, d.roleWords(step.speakers, view));
      show($("z-next"), false);
    }
    tick();
  }

  function tick() {
    if (!view || !view.step) { return; }
    var running = view.status === "running";
    var dt = running ? ((lostAt === null ? performance.now() : lostAt) - receivedAt) / 1000 : 0;
    var t = d.timer(view.step, dt);
    var countdown = $("z-countdown");
    setText(countdown, t.text);
    countdown.classList.toggle("time-up", t.timeUp);
    countdown.classList.toggle("near-end", t.nearEnd);
    countdown.classList.toggle("paused", view.status === "paused" || lostAt !== null);
    var bar = $("z-bar");
    bar.classList.toggle("time-up", t.timeUp);
    bar.classList.toggle("near-end", t.nearEnd);
    setWidth(bar.firstElementChild, t.percent);
    var active = running || view.status === "paused";
    setText($("z-status"), !active ? "" : lostAt !== null ? "Verbinding weg" : view.status === "paused" ? "Gepauzeerd"
      : t.timeUp ? "Tijd is om" : t.nearEnd ? "Bijna tijd" : "");
    document.title = t.text + " · " + view.step.title;
  }

  function connect() {
    if (source) { source.close(); }
    source = new EventSource(root.dataset.events);
    source.addEventListener("state", function (e) { render(JSON.parse(e.data)); });
    source.addEventListener("deleted", function () { source.close(); window.location.assign("/"); });
    source.addEventListener("error", function () {
      if (lostAt === null) { lostAt = performance.now(); }
      setText($("z-connection"), "verbinding weg");
      tick();
      if (source.readyState === EventSource.CLOSED) { setTimeout(connect, 3000); }
    });
  }

  // Full screen needs a gesture: a click, a tap or F on the display itself. Nothing else to press here.
  function fullScreen() {
    if (!document.fullscreenElement && document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () {});
    }
  }
  document.addEventListener("click", fullScreen);
  document.addEventListener("keydown", function (e) { if (e.key === "f" || e.key === "F") { fullScreen(); } });

  setInterval(tick, 250);
  connect();
}());
