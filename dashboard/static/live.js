// The live calls page: listens to /dashboard/live/events (server-sent events) and draws each
// call and its turns as they come. Text only through textContent: nothing heard is ever HTML.
(function () {
  "use strict";
  var status = document.getElementById("live-status");
  var list = document.getElementById("live-calls");
  var empty = document.getElementById("live-empty");
  if (!status || !list || !window.EventSource) { return; }
  var allShops = /every shop/.test(status.textContent);
  var shopParam = new URLSearchParams(location.search).get("shop");

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function callLink(sid) {
    return "/dashboard/calls/" + encodeURIComponent(sid) + (shopParam ? "?shop=" + encodeURIComponent(shopParam) : "");
  }

  function card(c) {
    var id = "live-" + c.call_sid;
    var found = document.getElementById(id);
    if (found) { return found; }
    var a = el("article", "live-call");
    a.id = id;
    a.dataset.callSid = c.call_sid;
    a.dataset.started = c.started_at || new Date().toISOString();
    var h = el("header");
    h.appendChild(el("strong", "caller", c.caller || "unknown"));
    if (allShops) { h.appendChild(document.createTextNode(" · ")); h.appendChild(el("span", "shop-name", c.shop_name)); }
    h.appendChild(document.createTextNode(" · "));
    h.appendChild(el("span", "channel", c.channel || ""));
    h.appendChild(document.createTextNode(" · "));
    h.appendChild(el("span", "elapsed", "on the line"));
    h.appendChild(document.createTextNode(" · "));
    var link = el("a", null, "call page");
    link.href = callLink(c.call_sid);
    h.appendChild(link);
    h.appendChild(document.createTextNode(" "));
    h.appendChild(el("span", "state tag", "live"));
    a.appendChild(h);
    a.appendChild(el("ol", "turns"));
    list.insertBefore(a, list.firstChild);
    empty.hidden = true;
    return a;
  }

  function addTurn(a, t) {
    var ol = a.querySelector("ol.turns");
    var li = el("li");
    li.dataset.turnNo = t.turn_no;
    li.appendChild(el("span", "heard", t.heard || "(" + t.source + ")"));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(el("span", "action", (t.action || t.intent || "") + (t.error ? " · " + t.error : "")));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(el("span", "reply", t.reply));
    var old = ol.querySelector('li[data-turn-no="' + Number(t.turn_no) + '"]');
    if (old) { ol.replaceChild(li, old); return; }
    var after = null;
    ol.querySelectorAll("li").forEach(function (x) { if (Number(x.dataset.turnNo) > Number(t.turn_no) && !after) { after = x; } });
    ol.insertBefore(li, after);
  }

  function ended(sid, why) {
    var a = document.getElementById("live-" + sid);
    if (!a) { return; }
    a.classList.add("ended");
    a.dataset.ended = "1";
    a.querySelector(".state").textContent = "ended" + (why ? " (" + why + ")" : "");
    setTimeout(function () {
      if (a.parentNode) { a.parentNode.removeChild(a); }
      if (!list.querySelector("article")) { empty.hidden = false; }
    }, 30000);
  }

  function tick() {
    var now = Date.now();
    list.querySelectorAll("article.live-call").forEach(function (a) {
      if (a.dataset.ended) { return; }
      var s = Math.max(0, Math.floor((now - Date.parse(a.dataset.started)) / 1000));
      a.querySelector(".elapsed").textContent = Math.floor(s / 60) + "m " + String(s % 60).padStart(2, "0") + "s";
    });
  }
  setInterval(tick, 1000);
  tick();

  var source = new EventSource(status.dataset.events);
  function on(name, fn) {
    source.addEventListener(name, function (e) {
      try { fn(JSON.parse(e.data)); } catch (err) { /* a malformed event is skipped */ }
    });
  }
  on("snapshot", function (d) {
    var open = {};
    (d.calls || []).forEach(function (c) {
      open[c.call_sid] = true;
      var a = card(c);
      (c.turns || []).forEach(function (t) { addTurn(a, t); });
    });
    list.querySelectorAll("article.live-call").forEach(function (a) {
      if (!open[a.dataset.callSid] && !a.dataset.ended) { ended(a.dataset.callSid, ""); }
    });
    status.dataset.connected = "1";
  });
  on("start", function (d) { card(d); });
  on("turn", function (d) { addTurn(card(d), d.turn); });
  on("end", function (d) { ended(d.call_sid, d.ended_reason); });
  source.onerror = function () { status.dataset.connected = ""; };
})();
