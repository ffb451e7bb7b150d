// polis world map: draws the service layer's map layer (/api/v1/map) on a canvas with
// d3-geo and topojson-client over the Natural Earth countries. Places are points sized by
// degree; ties are great-circle arcs coloured by their status at the end of the slider's
// year, looked up in the layer's per-year statuses (no rule of the domain lives here).
// Arcs are projected once, and each frame strokes one path per colour, so that ~26,000
// ties redraw in a few milliseconds. window.polisMap is the contract the browser tests use.
(function () {
  "use strict";
  var canvas = document.getElementById("map-canvas");
  if (!canvas || !window.d3 || !window.topojson) return;
  var statusLine = document.getElementById("map-status");
  var slider = document.getElementById("year-slider");
  var yearLabel = document.getElementById("year-label");
  var playButton = document.getElementById("play");
  var panel = document.getElementById("place-panel");
  var eventsBox = document.getElementById("year-events");
  var table = document.getElementById("map-table");
  var drawnText = document.getElementById("map-drawn");

  var COLOURS = {
    active: "#1a7f37", suspended: "#b35c00", terminated: "#c4262e",
    proposed: "#7048b6", unknown: "#6b7682", disputed: "#00838f"
  };
  // Drawn from the bottom up, so ties in force lie on top; "not_yet" is not drawn.
  var ORDER = ["unknown", "proposed", "terminated", "disputed", "suspended", "active"];
  var MAX_EVENTS = 100;

  var api = {
    year: Number(slider.value), drawnArcs: 0, lastDrawMs: 0, ready: false,
    setYear: function (year) { setYear(year); }
  };
  window.polisMap = api;

  var layer = null, places = [], ties = [];
  var placeIndex = new Map();      // id -> position in places
  var tiesOf = new Map();          // place id -> tie positions
  var px = null, py = null;        // projected places
  var arcStart = null, arcLength = null, arcPoints = null; // projected arcs (x, y pairs; NaN breaks)
  var base = null;                 // the land, drawn once per size
  var width = 0, height = 0, ratio = 1;
  var selected = canvas.dataset.place || null;
  var hovered = -1;
  var drawnPlace = null;           // places with a drawn arc in the last frame
  var timer = null;
  var atlas = null;

  var filter = {
    country: valueOf("country"), kind: valueOf("kind"),
    status: valueOf("status"), network: valueOf("network")
  };

  function valueOf(id) {
    var el = document.getElementById(id);
    return el && el.value ? el.value : null;
  }

  // The service layer's MapLayer::status_in: today's status in this (unfinished) year,
  // else the status at the end of the year, from the layer's per-year changes.
  function statusAt(tie, year) {
    if (year >= layer.this_year) return tie.status;
    var status = tie.before;
    var changes = tie.changes || [];
    for (var i = 0; i < changes.length; i++) {
      if (changes[i][0] <= year) status = changes[i][1]; else break;
    }
    return status;
  }

  function placeOf(id) {
    var i = placeIndex.get(id);
    return i === undefined ? null : places[i];
  }

  // The same tests as the service layer's MapLayer::admits.
  function admits(tie, year) {
    if (filter.kind && tie.kind !== filter.kind) return false;
    if (filter.status && statusAt(tie, year) !== filter.status) return false;
    var a = placeOf(tie.a), b = placeOf(tie.b);
    if (filter.country && !((a && a.country === filter.country) || (b && b.country === filter.country))) return false;
    if (filter.network && tie.network !== filter.network) {
      var inA = a && (a.networks || []).indexOf(filter.network) >= 0;
      var inB = b && (b.networks || []).indexOf(filter.network) >= 0;
      if (!(inA && inB)) return false;
    }
    return true;
  }

  function size() {
    ratio = window.devicePixelRatio || 1;
    var cssWidth = canvas.parentElement.clientWidth || 960;
    var cssHeight = Math.round(cssWidth * 0.52);
    width = Math.round(cssWidth * ratio);
    height = Math.round(cssHeight * ratio);
    canvas.width = width;
    canvas.height = height;
    canvas.style.height = cssHeight + "px";
  }

  function project() {
    var projection = d3.geoNaturalEarth1().fitExtent([[4 * ratio, 4 * ratio], [width - 4 * ratio, height - 4 * ratio]], { type: "Sphere" });
    // The land, once per size.
    base = document.createElement("canvas");
    base.width = width; base.height = height;
    var b = base.getContext("2d");
    var path = d3.geoPath(projection, b);
    b.fillStyle = "#dfe9f3"; b.fillRect(0, 0, width, height);
    b.beginPath(); path({ type: "Sphere" }); b.fillStyle = "#cfe0ef"; b.fill();
    if (atlas) {
      var land = topojson.feature(atlas, atlas.objects.countries);
      b.beginPath(); path(land); b.fillStyle = "#f7f5f0"; b.fill();
      b.beginPath(); path(topojson.mesh(atlas, atlas.objects.countries, function (x, y) { return x !== y; }));
      b.strokeStyle = "#c9c3b8"; b.lineWidth = 0.6 * ratio; b.stroke();
    }
    // Places.
    px = new Float32Array(places.length); py = new Float32Array(places.length);
    for (var i = 0; i < places.length; i++) {
      var p = projection([places[i].lon, places[i].lat]) || [NaN, NaN];
      px[i] = p[0]; py[i] = p[1];
    }
    // Arcs: great circles sampled by length, broken where they wrap round the map's edge.
    var chunks = [], total = 0;
    arcStart = new Uint32Array(ties.length); arcLength = new Uint16Array(ties.length);
    for (var t = 0; t < ties.length; t++) {
      var tie = ties[t], a = placeOf(tie.a), c = placeOf(tie.b);
      var points = [];
      if (a && c) {
        var from = [a.lon, a.lat], to = [c.lon, c.lat];
        var n = Math.max(2, Math.min(24, Math.ceil(d3.geoDistance(from, to) * 8)));
        var interpolate = d3.geoInterpolate(from, to), lastX = null;
        for (var k = 0; k <= n; k++) {
          var q = projection(interpolate(k / n));
          if (!q) continue;
          if (lastX !== null && Math.abs(q[0] - lastX) > width / 3) points.push(NaN, NaN);
          points.push(q[0], q[1]); lastX = q[0];
        }
      }
      arcStart[t] = total; arcLength[t] = points.length / 2;
      chunks.push(points); total += points.length / 2;
    }
    arcPoints = new Float32Array(total * 2);
    var at = 0;
    for (var j = 0; j < chunks.length; j++) { arcPoints.set(chunks[j], at); at += chunks[j].length; }
  }

  function tracePath(ctx, t) {
    var start = arcStart[t] * 2, end = start + arcLength[t] * 2, pen = false;
    for (var i = start; i < end; i += 2) {
      var x = arcPoints[i], y = arcPoints[i + 1];
      if (x !== x) { pen = false; continue; }
      if (pen) ctx.lineTo(x, y); else { ctx.moveTo(x, y); pen = true; }
    }
  }

  function draw() {
    if (!layer || !base) return;
    var started = performance.now();
    var year = api.year;
    var ctx = canvas.getContext("2d", { alpha: false });
    ctx.drawImage(base, 0, 0);
    var buckets = {}, highlighted = [], n = 0;
    for (var s = 0; s < ORDER.length; s++) buckets[ORDER[s]] = [];
    drawnPlace = new Uint8Array(places.length);
    for (var t = 0; t < ties.length; t++) {
      var tie = ties[t];
      var status = statusAt(tie, year);
      var bucket = buckets[status];
      if (!bucket || !admits(tie, year)) continue;
      bucket.push(t); n++;
      drawnPlace[placeIndex.get(tie.a)] = 1; drawnPlace[placeIndex.get(tie.b)] = 1;
      if (selected && (tie.a === selected || tie.b === selected)) highlighted.push(t);
    }
    var dense = n > 3000;
    ctx.lineCap = "butt";
    ctx.lineJoin = "bevel";
    ctx.globalAlpha = selected ? 0.18 : (dense ? 0.28 : 0.75);
    ctx.lineWidth = (dense ? 0.6 : 1.2) * ratio;
    for (s = 0; s < ORDER.length; s++) {
      var list = buckets[ORDER[s]];
      if (!list.length) continue;
      ctx.beginPath();
      for (var i = 0; i < list.length; i++) tracePath(ctx, list[i]);
      ctx.strokeStyle = COLOURS[ORDER[s]];
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    if (highlighted.length) {
      ctx.lineWidth = 2.2 * ratio;
      for (s = 0; s < ORDER.length; s++) {
        ctx.beginPath();
        var any = false;
        for (i = 0; i < highlighted.length; i++) {
          if (statusAt(ties[highlighted[i]], year) === ORDER[s]) { tracePath(ctx, highlighted[i]); any = true; }
        }
        if (any) { ctx.strokeStyle = COLOURS[ORDER[s]]; ctx.stroke(); }
      }
    }
    // Places with a drawn tie, sized by degree, in one path; provisional places (names no
    // import could resolve, placed by a guess) are hollow rings, in a second path.
    ctx.beginPath();
    var hollow = [];
    for (var p = 0; p < places.length; p++) {
      if (!drawnPlace[p] && places[p].id !== selected) continue;
      if (places[p].provisional) { hollow.push(p); continue; }
      var r = (dense ? Math.min(4.5, 0.7 + Math.sqrt(places[p].degree) * 0.3)
                     : Math.min(7, 1.1 + Math.sqrt(places[p].degree) * 0.55)) * ratio;
      ctx.moveTo(px[p] + r, py[p]); ctx.arc(px[p], py[p], r, 0, 2 * Math.PI);
    }
    ctx.fillStyle = dense ? "rgba(29, 59, 92, 0.55)" : "rgba(29, 59, 92, 0.85)"; ctx.fill();
    if (hollow.length) {
      ctx.beginPath();
      for (i = 0; i < hollow.length; i++) {
        var q = hollow[i];
        var rq = Math.max(2.5, Math.min(7, 1.1 + Math.sqrt(places[q].degree) * 0.55)) * ratio;
        ctx.moveTo(px[q] + rq, py[q]); ctx.arc(px[q], py[q], rq, 0, 2 * Math.PI);
      }
      ctx.fillStyle = "#ffffff"; ctx.fill();
      ctx.lineWidth = 1.5 * ratio; ctx.strokeStyle = "#8a3b12"; ctx.stroke();
    }
    canvas.setAttribute("data-drawn-provisional", String(hollow.length));
    if (selected) {
      var partners = new Set();
      for (i = 0; i < highlighted.length; i++) {
        var h = ties[highlighted[i]];
        partners.add(h.a === selected ? h.b : h.a);
      }
      ctx.lineWidth = 1.5 * ratio; ctx.strokeStyle = "#f2a900";
      ctx.beginPath();
      partners.forEach(function (id) {
        var k = placeIndex.get(id);
        if (k !== undefined) { ctx.moveTo(px[k] + 5 * ratio, py[k]); ctx.arc(px[k], py[k], 5 * ratio, 0, 2 * Math.PI); }
      });
      ctx.stroke();
      var me = placeIndex.get(selected);
      if (me !== undefined) {
        ctx.beginPath(); ctx.arc(px[me], py[me], 7 * ratio, 0, 2 * Math.PI);
        ctx.lineWidth = 3 * ratio; ctx.strokeStyle = "#13273f"; ctx.stroke();
      }
    }
    if (hovered >= 0) {
      ctx.beginPath(); ctx.arc(px[hovered], py[hovered], 6 * ratio, 0, 2 * Math.PI);
      ctx.lineWidth = 2 * ratio; ctx.strokeStyle = "#f2a900"; ctx.stroke();
    }
    api.drawnArcs = n;
    api.lastDrawMs = performance.now() - started;
    // Also in the DOM, for benchmarks that read the page rather than run scripts in it.
    canvas.setAttribute("data-draw-ms", api.lastDrawMs.toFixed(1));
    canvas.setAttribute("data-drawn-arcs", String(n));
    if (drawnText) drawnText.textContent = n + " ties drawn for " + year + ".";
  }

  function element(tag, attributes, text) {
    var el = document.createElement(tag);
    for (var key in attributes) if (attributes[key] !== null && attributes[key] !== undefined) el.setAttribute(key, attributes[key]);
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function link(href, text, className) {
    var a = element("a", { href: href, "class": className || null }, text);
    return a;
  }

  function partnerOf(tie, id) { return tie.a === id ? tie.b : tie.a; }

  function nameOf(id) { var p = placeOf(id); return p ? p.name : id; }

  function placeHref(id) { return "/places/" + encodeURIComponent(id); }

  function tieHref(id) { return "/ties/" + encodeURIComponent(id); }

  function selectedTies(year) {
    var list = (tiesOf.get(selected) || []).map(function (t) { return ties[t]; })
      .filter(function (tie) { return admits(tie, year); });
    list.sort(function (x, y) { return nameOf(partnerOf(x, selected)).localeCompare(nameOf(partnerOf(y, selected))); });
    return list;
  }

  function updatePanel() {
    var year = api.year;
    var place = selected ? placeOf(selected) : null;
    if (!place) return;
    panel.textContent = "";
    panel.appendChild(element("h2", {}, place.name));
    var about = element("p");
    about.appendChild(document.createTextNode((place.country ? place.country + " · " : "") + place.degree + " ties · " +
      (place.provisional ? "provisional (an unresolved name) · " : "")));
    about.appendChild(link(placeHref(place.id), "Open the dossier of " + place.name, "dossier-link"));
    panel.appendChild(about);
    panel.appendChild(element("p", {}, "Its ties in " + year + ":"));
    var list = element("ul", { "class": "ties" });
    var rows = selectedTies(year);
    rows.forEach(function (tie) {
      var status = statusAt(tie, year);
      var partner = partnerOf(tie, place.id);
      var li = element("li", { "data-tie": tie.id, "data-status": status });
      li.appendChild(link(placeHref(partner), nameOf(partner)));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(element("span", { "class": "status status-" + status }, status.replace("_", " ")));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(link(tieHref(tie.id), "tie", "tie-link"));
      list.appendChild(li);
    });
    panel.appendChild(list);
    // The text alternative follows the selection.
    if (table) {
      table.textContent = "";
      table.appendChild(element("caption", {}, "Ties of " + place.name + " in " + year));
      var head = element("thead"), tr = element("tr");
      ["Partner", "Country", "Kind", "Status"].forEach(function (h) { tr.appendChild(element("th", { scope: "col" }, h)); });
      head.appendChild(tr); table.appendChild(head);
      var body = element("tbody");
      rows.forEach(function (tie) {
        var partner = partnerOf(tie, place.id), p = placeOf(partner);
        var row = element("tr", { "data-tie": tie.id });
        var cell = element("td"); cell.appendChild(link(placeHref(partner), nameOf(partner))); row.appendChild(cell);
        row.appendChild(element("td", {}, p && p.country ? p.country : ""));
        row.appendChild(element("td", {}, tie.kind.replace(/_/g, " ")));
        row.appendChild(element("td", {}, statusAt(tie, year)));
        body.appendChild(row);
      });
      table.appendChild(body);
    }
  }

  function updateEvents() {
    var year = api.year, found = [];
    for (var t = 0; t < ties.length; t++) {
      var events = ties[t].events;
      if (!events) continue;
      for (var e = 0; e < events.length; e++) {
        if (events[e][0] === year && admits(ties[t], year)) found.push([ties[t], events[e][1]]);
      }
    }
    eventsBox.textContent = "";
    var h = element("h2", {}, "In ");
    h.appendChild(element("span", { "class": "year" }, String(year)));
    eventsBox.appendChild(h);
    if (!found.length) {
      eventsBox.appendChild(element("p", { "class": "empty" }, "No signing or termination is dated this year."));
      return;
    }
    var list = element("ul");
    found.slice(0, MAX_EVENTS).forEach(function (item) {
      var tie = item[0], kind = item[1];
      var li = element("li", { "data-tie": tie.id, "data-event": kind });
      li.appendChild(element("span", { "class": "event event-" + kind }, kind));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(link(tieHref(tie.id), nameOf(tie.a) + " – " + nameOf(tie.b)));
      list.appendChild(li);
    });
    eventsBox.appendChild(list);
    if (found.length > MAX_EVENTS) eventsBox.appendChild(element("p", {}, "and " + (found.length - MAX_EVENTS) + " more."));
  }

  function remember() {
    var params = new URLSearchParams(window.location.search);
    params.set("year", String(api.year));
    if (selected) params.set("place", selected); else params.delete("place");
    window.history.replaceState(null, "", "?" + params.toString());
  }

  function setYear(year) {
    year = Math.max(Number(slider.min), Math.min(Number(slider.max), Math.round(Number(year))));
    if (!isFinite(year)) return;
    api.year = year;
    slider.value = String(year);
    if (yearLabel) yearLabel.textContent = String(year);
    draw();
    if (layer) { updatePanel(); updateEvents(); }
    remember();
  }

  function select(id) {
    selected = id;
    var hidden = document.querySelector("#map-filters input[name=place]");
    if (!hidden) {
      hidden = element("input", { type: "hidden", name: "place" });
      document.getElementById("map-filters").appendChild(hidden);
    }
    hidden.value = id;
    draw(); updatePanel(); remember();
  }

  function nearest(event) {
    var box = canvas.getBoundingClientRect();
    var x = (event.clientX - box.left) * (width / box.width);
    var y = (event.clientY - box.top) * (height / box.height);
    var best = -1, bestDistance = (9 * ratio) * (9 * ratio);
    for (var i = 0; i < places.length; i++) {
      if (drawnPlace && !drawnPlace[i]) continue;
      var dx = px[i] - x, dy = py[i] - y, d = dx * dx + dy * dy;
      if (d < bestDistance) { best = i; bestDistance = d; }
    }
    return best;
  }

  var tooltip = element("div", { id: "map-tooltip", hidden: "" });
  canvas.parentElement.appendChild(tooltip);
  var pending = false;
  canvas.addEventListener("mousemove", function (event) {
    if (pending || !layer) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      var found = nearest(event);
      if (found !== hovered) { hovered = found; draw(); }
      if (found >= 0) {
        var box = canvas.getBoundingClientRect();
        tooltip.hidden = false;
        tooltip.textContent = places[found].name + " · " + places[found].degree + " ties" +
          (places[found].provisional ? " · provisional (an unresolved name)" : "");
        tooltip.style.left = (event.clientX - box.left + 12) + "px";
        tooltip.style.top = (event.clientY - box.top + 12) + "px";
        canvas.style.cursor = "pointer";
      } else {
        tooltip.hidden = true;
        canvas.style.cursor = "crosshair";
      }
    });
  });
  canvas.addEventListener("mouseleave", function () { tooltip.hidden = true; if (hovered >= 0) { hovered = -1; draw(); } });
  canvas.addEventListener("click", function (event) {
    var found = nearest(event);
    if (found >= 0) select(places[found].id);
  });

  slider.addEventListener("input", function () { stop(); setYear(slider.value); });

  function stop() {
    if (timer) { clearInterval(timer); timer = null; }
    playButton.textContent = "▶ Play";
    playButton.setAttribute("aria-pressed", "false");
  }

  playButton.addEventListener("click", function () {
    if (timer) { stop(); return; }
    if (api.year >= Number(slider.max)) setYear(Number(slider.min));
    playButton.textContent = "❚❚ Pause";
    playButton.setAttribute("aria-pressed", "true");
    timer = setInterval(function () {
      if (api.year >= Number(slider.max)) { stop(); return; }
      setYear(api.year + 1);
    }, 700);
  });

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { if (!layer) return; size(); project(); draw(); }, 200);
  });

  function fail(message) {
    if (statusLine) statusLine.textContent = message;
  }

  size();
  Promise.all([
    fetch(canvas.dataset.atlas).then(function (r) { if (!r.ok) throw new Error("the world atlas: " + r.status); return r.json(); }),
    fetch(canvas.dataset.layer).then(function (r) { if (!r.ok) throw new Error("the map layer: " + r.status); return r.json(); })
  ]).then(function (answers) {
    atlas = answers[0];
    layer = answers[1];
    places = layer.places;
    ties = layer.ties;
    for (var i = 0; i < places.length; i++) placeIndex.set(places[i].id, i);
    for (var t = 0; t < ties.length; t++) {
      [ties[t].a, ties[t].b].forEach(function (id) {
        var list = tiesOf.get(id);
        if (!list) { list = []; tiesOf.set(id, list); }
        list.push(t);
      });
    }
    project();
    if (statusLine) statusLine.textContent = "";
    api.ready = true;
    setYear(api.year);
    canvas.dispatchEvent(new CustomEvent("polis:ready"));
  }).catch(function (error) {
    fail("The map could not be drawn (" + error.message + "). The table below lists the same places.");
  });
})();
