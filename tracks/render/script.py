"""The map page's own JavaScript (embedded inline; no external file, no network).

`tracksMapInit(map, groups, dataId)` reads the JSON payload (`<script type="application/json">`) and draws:
basemap, regions, the track(s) coloured by altitude with dashed gaps, MLAT/estimated/stale points, events and
claim evidence, then adds the legend, the time slider, the scale bar and wires the claims panel, the profile chart
under the map (its cursor follows the slider; clicking or dragging on it moves the slider) and, on narrow
screens, the Map | Claims tabs (the banner and the legend start closed there).
Texts in the payload arrive HTML-escaped from Python; this script builds HTML only from those and from numbers.
"""

PAGE_JS = r"""
function tracksMapInit(map, G, dataId) {
  "use strict";
  var D = JSON.parse(document.getElementById(dataId).textContent);
  var narrow = window.matchMedia("(max-width: 820px)");
  map.getContainer().setAttribute("aria-label", "Map of the track, the borders and the evidence");
  if (narrow.matches) {  // phones: a one-line banner, details on tap
    document.querySelectorAll(".tm-banner").forEach(function (d) { d.open = false; });
  }
  var canvas = L.canvas({padding: 0.5, tolerance: 5});
  var ALT = D.altClasses, SRC = D.sources, TZ = D.tz;
  var fmtUtc, fmtLocal;
  try {
    fmtUtc = new Intl.DateTimeFormat("en-GB", {timeZone: "UTC", day: "2-digit", month: "short",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false});
    fmtLocal = TZ ? new Intl.DateTimeFormat("en-GB", {timeZone: TZ, day: "2-digit", month: "short",
      hour: "2-digit", minute: "2-digit", hour12: false}) : null;
  } catch (e) { fmtLocal = null; }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function timeText(epochS) {
    var d = new Date(epochS * 1000);
    if (!fmtUtc) return d.toISOString();
    var s = fmtUtc.format(d) + " UTC";
    if (fmtLocal) s += " · " + fmtLocal.format(d) + " local";
    return s;
  }
  function durText(s) {
    s = Math.floor(s + 0.5);
    if (s < 120) return s + " s";
    var m = Math.floor((s + 30) / 60);
    if (m < 120) return m + " min";
    var h = Math.floor(m / 60); m = m % 60;
    if (h < 48) return h + " h " + (m < 10 ? "0" : "") + m + " min";
    return Math.floor(h / 24) + " d " + (h % 24) + " h";
  }
  // permanent labels: on every view change, lower-priority labels that overlap higher ones are hidden
  // (a label with `flip` tries the other side of its marker before it is hidden)
  var labels = [];
  function register(getEl, prio, flip) { labels.push({get: getEl, prio: prio, flip: flip}); }
  function declutter() {
    var placed = [], mapBox = map.getContainer().getBoundingClientRect();
    map.getContainer().querySelectorAll(".leaflet-control").forEach(function (c) { placed.push(c.getBoundingClientRect()); });
    function free(r) {
      return r.left >= mapBox.left && r.right <= mapBox.right && !placed.some(function (p) {
        return r.left < p.right && r.right > p.left && r.top < p.bottom && r.bottom > p.top;
      });
    }
    labels.slice().sort(function (a, b) { return b.prio - a.prio; }).forEach(function (l) {
      var el = l.get();
      if (!el || !document.body.contains(el)) return;
      el.style.visibility = "";
      if (l.flip) l.flip(false);
      var box = el.classList.contains("leaflet-marker-icon") && el.firstElementChild ? el.firstElementChild : el;
      var r = box.getBoundingClientRect();
      if (!r.width) return;
      if (!free(r) && l.flip) { l.flip(true); r = box.getBoundingClientRect(); }
      if (free(r)) placed.push(r);
      else { if (l.flip) l.flip(false); el.style.visibility = "hidden"; }
    });
  }
  function altText(a) { return a === null || a === undefined ? "altitude unknown" : a.toLocaleString("en-US") + " ft"; }

  // --- basemap: land and country borders drawn from the bundled regions (no tiles needed) ------------------
  if (D.basemap && D.basemap.land) {
    L.geoJSON(D.basemap.land, {interactive: false, renderer: canvas, style: function () {
      return {color: "#a8a29a", weight: 1, fillColor: "#f4f1ea", fillOpacity: D.tiles ? 0 : 1};
    }}).addTo(G.basemap);
    (D.basemap.labels || []).forEach(function (l) {
      var lm = L.marker([l.lat, l.lon], {interactive: false, keyboard: false,
        icon: L.divIcon({className: "tm-country", html: l.label, iconSize: null})}).addTo(G.basemap);
      register(function () { return lm.getElement(); }, 1);
    });
  }

  // --- regions the claims used; borders highlighted --------------------------------------------------------
  var regionLayers = {};
  (D.regions || []).forEach(function (r) {
    var border = r.border;
    var style = border ? {color: "#ff6f00", weight: 6, opacity: 0.85, lineCap: "round"}
                       : {color: "#1565c0", weight: 2, opacity: 0.9, dashArray: "8 4", fillColor: "#1565c0", fillOpacity: 0.05};
    var layer = L.geoJSON(r.geojson, {style: function () { return style; }});
    layer.bindTooltip(r.tip, {sticky: true});
    layer.addTo(border ? G.borders : G.regions);
    regionLayers[r.code] = {layer: layer, style: style, border: border};
  });

  // --- tracks: coloured by altitude (one aircraft) or one colour per aircraft (several; a toggle) -------------
  var bounds = L.latLngBounds([]);
  var players = [], colourBy = D.colourBy || "altitude";
  (D.tracks || []).forEach(function (T, ti) {
    var n = T.lat.length;
    if (!n) return;
    var own = [];  // [layer, group] of everything drawn for this aircraft (show/hide)
    function add(layer, group) { own.push([layer, group]); layer.addTo(group); return layer; }
    var ll = new Array(n);
    for (var i = 0; i < n; i++) { ll[i] = [T.lat[i], T.lon[i]]; bounds.extend(ll[i]); }
    var isGap = new Uint8Array(Math.max(n - 1, 1));
    var gapDur = {};
    for (var g = 0; g < T.gaps.length; g += 2) { isGap[T.gaps[g]] = 1; gapDur[T.gaps[g]] = T.gaps[g + 1]; }
    // observed runs (between gaps), split again where the altitude class changes
    var runs = [], cur = [ll[0]];
    var parts = {};
    var part = null, partCls = -1;
    for (i = 0; i < n - 1; i++) {
      if (isGap[i]) {
        if (cur.length > 1) runs.push(cur);
        cur = [ll[i + 1]]; part = null; partCls = -1;
        continue;
      }
      cur.push(ll[i + 1]);
      var c = T.cls[i];
      if (c !== partCls || !part) {
        part = [ll[i]]; partCls = c;
        (parts[c] = parts[c] || []).push(part);
      }
      part.push(ll[i + 1]);
    }
    if (cur.length > 1) runs.push(cur);
    if (runs.length) add(L.polyline(runs, {renderer: canvas, color: "#1b1b1b", weight: 6.5, opacity: 0.5,
                                           interactive: false, lineJoin: "round"}), G.track);
    var colours = {altitude: [], aircraft: []};
    Object.keys(parts).forEach(function (c) {
      colours.altitude.push(L.polyline(parts[c], {renderer: canvas, color: ALT[c].color, weight: 3.5, opacity: 1,
                                                  lineJoin: "round"}).bindTooltip(T.name + " · " + ALT[c].label, {sticky: true}));
    });
    if (T.colour && runs.length) {
      colours.aircraft.push(L.polyline(runs, {renderer: canvas, color: T.colour, weight: 3.5, opacity: 1,
                                              lineJoin: "round"}).bindTooltip(T.name, {sticky: true}));
    }
    if (n === 1 || !runs.length) {  // nothing but single samples: a dot
      colours.altitude.push(L.circleMarker(ll[0], {renderer: canvas, radius: 4, color: ALT[T.cls[0]].color}).bindTooltip(T.name));
      if (T.colour) colours.aircraft.push(L.circleMarker(ll[0], {renderer: canvas, radius: 4, color: T.colour}).bindTooltip(T.name));
    }
    if (!colours.aircraft.length) colours.aircraft = colours.altitude;
    colours[colourBy].forEach(function (ly) { ly.addTo(G.track); });
    // coverage gaps: dashed, with their duration
    var labelled = {};
    (T.gapLabels || []).forEach(function (j) { labelled[j] = 1; });
    Object.keys(gapDur).forEach(function (k) {
      var j = +k, d = gapDur[k];
      var line = L.polyline([ll[j], ll[j + 1]], {renderer: canvas, color: "#37474f", weight: 2.5, opacity: 0.95,
                                                 dashArray: "7 6"});
      var text = (D.tracks.length > 1 ? T.name + "<br>" : "") + "Coverage gap: no position for " + durText(d) +
                 "<br>" + esc(timeText(T.t0 + T.t[j])) + " →<br>" + esc(timeText(T.t0 + T.t[j + 1]));
      line.bindTooltip(text, {sticky: true});
      add(line, G.gaps);
      if (labelled[j]) {
        var gm = add(L.marker([(ll[j][0] + ll[j + 1][0]) / 2, (ll[j][1] + ll[j + 1][1]) / 2], {interactive: false, keyboard: false,
          icon: L.divIcon({className: "tm-gap-label", html: "<span>no data " + esc(durText(d)) + "</span>", iconSize: null})}), G.gaps);
        register(function () { return gm.getElement(); }, 2);
      }
    });
    // MLAT / estimated / stale samples, visibly different
    var MLAT = SRC.indexOf("mlat"), EST = SRC.indexOf("estimated");
    var staleSet = {};
    T.stale.forEach(function (j) { staleSet[j] = 1; });
    function pointTip(j) {
      return (D.tracks.length > 1 ? T.name + "<br>" : "") + esc(timeText(T.t0 + T.t[j])) + "<br>" +
             esc(altText(T.alt[j])) + " · source " + esc(SRC[T.src[j]] || "?") +
             (staleSet[j] ? "<br><b>stale</b>: old position or first after a period without one" : "");
    }
    for (i = 0; i < n; i++) {
      var s = T.src[i], m = null;
      if (staleSet[i]) m = L.circleMarker(ll[i], {renderer: canvas, radius: 3.5, color: "#b71c1c", weight: 2, fillColor: "#ffffff", fillOpacity: 1});
      else if (s === MLAT) m = L.circleMarker(ll[i], {renderer: canvas, radius: 3, color: "#00838f", weight: 1.5, fillColor: "#ffffff", fillOpacity: 1});
      else if (s === EST) m = L.circleMarker(ll[i], {renderer: canvas, radius: 3, color: "#616161", weight: 1.5, dashArray: "2 2", fillColor: "#eeeeee", fillOpacity: 1});
      if (m) { m.options.tmIndex = i; m.bindTooltip(pointTip.bind(null, i)); add(m, G.points); }
    }
    if (D.aircraftLabels) {  // the aircraft's name at its last position; labels that would overlap are hidden
      var nm = add(L.marker(ll[n - 1], {interactive: false, keyboard: false, icon: L.divIcon({className: "tm-ac-label",
        html: '<span style="border-color:' + (T.colour || "#37474f") + '">' + T.name + "</span>", iconSize: null})}), G.track);
      register(function () { return nm.getElement(); }, 0.5);
    }
    players.push({T: T, ll: ll, isGap: isGap, own: own, colours: colours, index: T.idx === undefined ? ti : T.idx,
                  visible: true});
  });
  function setColourBy(mode) {
    if (mode === colourBy) return;
    players.forEach(function (p) {
      if (!p.visible) return;
      p.colours[colourBy].forEach(function (ly) { G.track.removeLayer(ly); });
      p.colours[mode].forEach(function (ly) { ly.addTo(G.track); });
    });
    colourBy = mode;
  }
  function setVisible(p, on) {
    if (p.visible === on) return;
    p.visible = on;
    p.own.forEach(function (x) { if (on) x[0].addTo(x[1]); else x[1].removeLayer(x[0]); });
    p.colours[colourBy].forEach(function (ly) { if (on) ly.addTo(G.track); else G.track.removeLayer(ly); });
    if (p.marker && (big || !on)) { if (on) p.marker.addTo(G.replay); else G.replay.removeLayer(p.marker); }
  }
  var byIndex = {};
  players.forEach(function (p) { byIndex[p.index] = p; });
  document.querySelectorAll(".tm-ac").forEach(function (box) {
    box.addEventListener("change", function () {
      var p = byIndex[+box.getAttribute("data-track")];
      if (p) { setVisible(p, box.checked); declutter(); }
    });
  });
  document.querySelectorAll(".tm-ac-all").forEach(function (b) {
    b.addEventListener("click", function () {
      var on = b.getAttribute("data-show") === "1";
      document.querySelectorAll(".tm-ac").forEach(function (box) { box.checked = on; });
      players.forEach(function (p) { setVisible(p, on); });
      declutter();
    });
  });
  document.querySelectorAll('input[name="tm-colour"]').forEach(function (r) {
    r.addEventListener("change", function () { if (r.checked) setColourBy(r.value); });
  });

  // --- events and claim evidence -----------------------------------------------------------------------------
  var markerByClaim = {};
  (D.markers || []).forEach(function (m) {
    var icon = D.icons[m.kind] || D.icons.point;
    var mk = L.marker([m.lat, m.lon], {keyboard: false, riseOnHover: true,
      zIndexOffset: {airport: -500, takeoff: 500, landing: 500, crossing: 400, closest: 300}[m.kind] || 0,
      icon: L.divIcon({className: "tm-icon" + (m.observed ? "" : " tm-inferred"), html: icon.html,
                       iconSize: [icon.size, icon.size], iconAnchor: [icon.size / 2, icon.size / 2]})});
    mk.bindPopup(m.tip);
    if (m.label && m.kind !== "border" && m.kind !== "point") {
      var dir = {closest: "left", crossing: "top"}[m.kind] || "right", h = icon.size / 2;
      var off = {left: [-h, 0], top: [0, -h], right: [h, 0]}[dir];
      mk.bindTooltip(m.label, {permanent: true, direction: dir, offset: off, className: "tm-label"});
      var other = {left: "right", right: "left", top: "bottom"}[dir];
      register(function () { var tt = mk.getTooltip(); return tt && tt.getElement(); },
               {takeoff: 5, landing: 5, crossing: 4}[m.kind] || 3,
               function (flipped) {
                 var tt = mk.getTooltip(), d = flipped ? other : dir;
                 if (!tt || tt.options.direction === d) return;
                 var o = {left: [-h, 0], top: [0, -h], right: [h, 0], bottom: [0, h]}[d];
                 tt.options.direction = d; tt.options.offset = L.point(o[0], o[1]); tt.update();
               });
    } else {
      mk.bindTooltip(m.tip, {direction: "top"});
    }
    mk.addTo(m.claims.length || m.kind === "takeoff" || m.kind === "landing" ? G.events : G.evidence);
    bounds.extend([m.lat, m.lon]);
    m.claims.forEach(function (c) { (markerByClaim[c] = markerByClaim[c] || []).push(mk); });
  });
  (D.evidence || []).forEach(function (e) {
    var layer;
    if (e.type === "line") {
      layer = L.polyline(e.latlons, {color: "#e65100", weight: 3, opacity: 1});
      layer.bindTooltip(e.label, {permanent: true, direction: "center", className: "tm-distance"});
      (function (ly) { register(function () { var tt = ly.getTooltip(); return tt && tt.getElement(); }, 4.5); })(layer);
    } else if (e.type === "ellipse") {  // where the aircraft could have been during a gap a verdict needs
      layer = L.geoJSON(e.geojson, {style: function () {
        return {color: "#0277bd", weight: 1.5, opacity: 0.9, dashArray: "4 4", fillColor: "#4fc3f7", fillOpacity: 0.12};
      }});
      layer.bindTooltip(e.tip, {sticky: true});
      layer.addTo(G.evidence);
      layer.bringToBack();
      return;
    } else if (e.type === "gap") {
      L.polyline(e.latlons, {color: "#00b0ff", weight: 12, opacity: 0.4, interactive: false}).addTo(G.evidence);
      layer = L.polyline(e.latlons, {color: "#8d5a00", weight: 3, dashArray: "7 6"});
      layer.bindTooltip(e.tip, {sticky: true});
    } else {
      layer = L.circleMarker([e.lat, e.lon], {radius: 5, color: "#000", weight: 2, fillColor: "#fff", fillOpacity: 0.9});
      layer.bindTooltip(e.tip);
    }
    layer.addTo(G.evidence);
  });

  // --- legend, scale, time slider ----------------------------------------------------------------------------
  var legendSrc = document.getElementById(D.legendId);
  if (legendSrc) {
    var Legend = L.Control.extend({options: {position: "topright"}, onAdd: function () {
      var div = L.DomUtil.create("div", "tm-legend leaflet-bar");
      while (legendSrc.firstChild) div.appendChild(legendSrc.firstChild);
      if (narrow.matches) div.querySelectorAll("details").forEach(function (d) { d.open = false; });
      L.DomEvent.disableClickPropagation(div); L.DomEvent.disableScrollPropagation(div);
      return div;
    }});
    new Legend().addTo(map);
  }
  if (D.illustrative) {  // on the map itself too, so that a screenshot of the map alone carries it
    var mark = L.DomUtil.create("div", "tm-watermark leaflet-control", map.getContainer());
    mark.textContent = "ILLUSTRATIVE TRACK — not a recording";
  }
  L.control.scale({imperial: false, metric: true, position: "bottomleft", maxWidth: 160}).addTo(map);

  var tMin = Infinity, tMax = -Infinity;
  var big = players.length <= 10;  // with many aircraft the replay markers appear once the slider is used
  players.forEach(function (p) {
    var T = p.T; tMin = Math.min(tMin, T.t0 + T.t[0]); tMax = Math.max(tMax, T.t0 + T.t[T.t.length - 1]);
    p.marker = L.circleMarker(p.ll[0], {radius: big ? 8 : 4, color: "#000", weight: big ? 3 : 2, fillColor: "#fff", fillOpacity: 1,
                                        interactive: false});
    if (big) p.marker.addTo(G.replay);
  });
  function showReplay() {
    if (big) return;
    big = true;
    players.forEach(function (p) { if (p.visible) p.marker.addTo(G.replay); });
  }
  var slider = null, timeListeners = [];
  if (players.length && tMax > tMin) {
    var Slider = L.Control.extend({options: {position: "bottomleft"}, onAdd: function () {
      var div = L.DomUtil.create("div", "tm-slider leaflet-bar");
      div.innerHTML = '<button type="button" class="tm-play" title="Replay the flight">▶</button>' +
        '<input type="range" class="tm-range" min="0" max="1000" step="1" value="0" aria-label="Time">' +
        '<div class="tm-readout" aria-live="polite"></div>';
      L.DomEvent.disableClickPropagation(div); L.DomEvent.disableScrollPropagation(div);
      return div;
    }});
    slider = new Slider().addTo(map);
    var box = slider.getContainer(), range = box.querySelector(".tm-range"), out = box.querySelector(".tm-readout");
    var play = box.querySelector(".tm-play"), timer = null;
    var setTime = function (epochS) {
      var lines = [esc(timeText(epochS))];
      players.forEach(function (p) {
        var T = p.T, rel = epochS - T.t0, t = T.t, lo = 0, hi = t.length - 1;
        if (rel <= t[0]) hi = 0; else if (rel >= t[hi]) lo = hi;
        else { while (hi - lo > 1) { var mid = (lo + hi) >> 1; if (t[mid] <= rel) lo = mid; else hi = mid; } }
        var i = lo, text, pos;
        if (rel < t[0] || rel > t[t.length - 1]) {
          pos = p.ll[rel < t[0] ? 0 : t.length - 1]; text = "not yet / no longer tracked";
          p.marker.setStyle({fillColor: "#cfd8dc", dashArray: "3 3"});
        } else if (i < t.length - 1 && p.isGap[i] && rel > t[i]) {
          pos = p.ll[i]; text = "no data (gap of " + durText(t[i + 1] - t[i]) + "): last known position";
          p.marker.setStyle({fillColor: "#cfd8dc", dashArray: "3 3"});
        } else {
          var f = i < t.length - 1 && t[i + 1] > t[i] ? (rel - t[i]) / (t[i + 1] - t[i]) : 0;
          var j = Math.min(i + 1, t.length - 1);
          pos = [p.ll[i][0] + f * (p.ll[j][0] - p.ll[i][0]), p.ll[i][1] + f * (p.ll[j][1] - p.ll[i][1])];
          var k = f < 0.5 ? i : j;
          text = (T.cls[k] === 1 ? "on ground" : altText(T.alt[k])) + " · " + (SRC[T.src[k]] || "?");
          p.marker.setStyle({fillColor: "#ffffff", dashArray: null});
        }
        p.marker.setLatLng(pos);
        if (lines.length <= 4) lines.push((players.length > 1 ? T.name + ": " : "") + esc(text));
      });
      if (players.length > 4) lines.push("… and " + (players.length - 4) + " more aircraft");
      out.innerHTML = lines.join("<br>");
      timeListeners.forEach(function (f) { f(epochS); });
    };
    var fromRange = function () { setTime(tMin + (tMax - tMin) * (+range.value) / 1000); };
    range.addEventListener("input", function () { showReplay(); fromRange(); });
    var stop = function () {
      clearInterval(timer); timer = null; play.textContent = "▶"; out.setAttribute("aria-live", "polite");
    };
    play.addEventListener("click", function () {
      if (timer) { stop(); return; }
      showReplay();
      if (+range.value >= 1000) range.value = 0;
      play.textContent = "❚❚"; out.setAttribute("aria-live", "off");
      timer = setInterval(function () {
        range.value = Math.min(1000, +range.value + 2); fromRange();
        if (+range.value >= 1000) stop();
      }, 40);
    });
    // the profile chart under the map: its cursor follows the slider; a click or drag on it moves the slider
    var plot = document.querySelector(".tm-profile-plot");
    if (plot) {
      var pt0 = +plot.getAttribute("data-t0"), pt1 = +plot.getAttribute("data-t1");
      var cursor = plot.querySelector(".tm-cursor"), chart = plot.ownerSVGElement || plot, dragging = false;
      timeListeners.push(function (epochS) {
        var inside = pt1 > pt0 && epochS >= pt0 && epochS <= pt1;
        var x = inside ? (epochS - pt0) / (pt1 - pt0) * 1000 : 0;
        cursor.setAttribute("x1", x.toFixed(2)); cursor.setAttribute("x2", x.toFixed(2));
        cursor.setAttribute("visibility", inside ? "visible" : "hidden");
      });
      var fromChart = function (ev) {
        var r = chart.getBoundingClientRect();
        if (!r.width) return;
        var f = Math.min(1, Math.max(0, (ev.clientX - r.left) / r.width)), t = pt0 + f * (pt1 - pt0);
        range.value = Math.round((t - tMin) / (tMax - tMin) * 1000);
        setTime(t);
      };
      chart.addEventListener("pointerdown", function (ev) {
        if (timer) stop();
        dragging = true; if (chart.setPointerCapture) chart.setPointerCapture(ev.pointerId); fromChart(ev);
      });
      chart.addEventListener("pointermove", function (ev) { if (dragging) fromChart(ev); });
      chart.addEventListener("pointerup", function () { dragging = false; });
      chart.addEventListener("pointercancel", function () { dragging = false; });
    }
    fromRange();
  }

  // --- claims panel: click a claim to fit the map to its evidence ---------------------------------------------
  var home = bounds.isValid() ? bounds : null;
  function fitOptions(maxZoom) {  // keep what is fitted clear of the legend (top right) and the slider (bottom)
    var size = map.getSize(), legend = document.querySelector(".tm-legend"), slide = document.querySelector(".tm-slider");
    var right = legend ? Math.min(legend.offsetWidth + 30, size.x * 0.4) : 40;
    var bottom = slide ? Math.min(slide.offsetHeight + 30, size.y * 0.3) : 40;
    return {paddingTopLeft: [50, 40], paddingBottomRight: [right, bottom], maxZoom: maxZoom};
  }
  if (home) map.fitBounds(home, fitOptions(11));
  map.on("zoomend moveend overlayadd overlayremove", declutter);
  setTimeout(declutter, 0);
  var flash = L.layerGroup().addTo(map);
  function showClaim(ci) {
    var C = D.claims[ci];
    if (!C) return;
    document.querySelectorAll(".tm-claim").forEach(function (el) {
      el.classList.toggle("tm-active", +el.getAttribute("data-claim") === ci);
    });
    Object.keys(regionLayers).forEach(function (code) {
      var R = regionLayers[code], on = C.regions.indexOf(code) >= 0;
      R.layer.setStyle(on ? {weight: R.style.weight + 3, opacity: 1} : R.style);
    });
    flash.clearLayers();
    Object.keys(markerByClaim).forEach(function (c) {
      markerByClaim[c].forEach(function (mk) { var el = mk.getElement(); if (el) el.classList.remove("tm-hl"); });
    });
    (markerByClaim[ci] || []).forEach(function (mk) { var el = mk.getElement(); if (el) el.classList.add("tm-hl"); });
    var b = C.bounds.length ? L.latLngBounds(C.bounds) : home;
    C.bounds.forEach(function (pt) {
      L.circleMarker(pt, {radius: 14, color: "#ffab00", weight: 3, fill: false, interactive: false}).addTo(flash);
    });
    if (b) map.fitBounds(b, fitOptions(11));
  }
  // Map | Claims tabs on narrow screens
  var tabs = document.querySelectorAll(".tm-tab");
  function setView(view, focus) {
    var claims = view === "claims";
    document.body.classList.toggle("tm-view-claims", claims);
    tabs.forEach(function (b) {
      var on = b.getAttribute("data-view") === view;
      b.setAttribute("aria-selected", on ? "true" : "false"); b.tabIndex = on ? 0 : -1;
    });
    window.scrollTo(0, 0);
    if (!claims) setTimeout(function () { map.invalidateSize(); declutter(); }, 0);
    if (focus) { var el = claims ? document.getElementById("tm-panel") : map.getContainer(); if (el) el.focus(); }
  }
  tabs.forEach(function (b, k) {
    b.addEventListener("click", function () { setView(b.getAttribute("data-view"), false); });
    b.addEventListener("keydown", function (ev) {
      if (ev.key !== "ArrowLeft" && ev.key !== "ArrowRight") return;
      var next = tabs[(k + (ev.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
      next.focus(); setView(next.getAttribute("data-view"), false);
    });
  });
  document.querySelectorAll(".tm-claim[data-claim]").forEach(function (el) {
    var ci = +el.getAttribute("data-claim");
    el.addEventListener("click", function (ev) {
      var button = ev.target.closest && ev.target.closest(".tm-show");
      if (narrow.matches && button) { setView("map", false); setTimeout(function () { showClaim(ci); }, 0); }
      else showClaim(ci);
    });
  });
  // print: open the banner and the legend, fit the map to the whole track at the printed size
  function forPrint() {
    document.querySelectorAll(".tm-banner, .tm-legend details").forEach(function (d) { d.open = true; });
    map.invalidateSize(); if (home) map.fitBounds(home, {padding: [20, 20], maxZoom: 11});
  }
  window.addEventListener("beforeprint", forPrint);
  if (window.matchMedia) window.matchMedia("print").addEventListener("change", function (e) { if (e.matches) forPrint(); });
  var reset = document.querySelector(".tm-reset");
  if (reset) reset.addEventListener("click", function () {
    flash.clearLayers();
    document.querySelectorAll(".tm-claim").forEach(function (el) { el.classList.remove("tm-active"); });
    if (home) map.fitBounds(home, fitOptions(11));
  });
  window.tracksMap = {map: map, showClaim: showClaim, setTime: slider ? setTime : null, setView: setView, data: D,
                      players: players, setColourBy: setColourBy};
}
"""
