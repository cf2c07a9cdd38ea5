"""The map page's stylesheet (embedded inline): wide screens, phones, print.

- Wide (> 820 px): title bar on top; map with the profile chart under it on the left, the claims panel on the
  right; footer (sources) at the bottom.
- Narrow (phones, <= 820 px): a one-line banner (details on tap), a compact title bar and two tabs, Map |
  Claims: the map view is the map and the profile; the claims view is the panel, then the sources, scrolling
  as one page under the sticky title and tabs. The page script sets `tm-view-claims` on <body>.
- Print: title, map, profile, every claim with its verdict in words, sources; no controls.
Verdicts are never colour alone: every badge says "supported" / "contradicted" / "not verifiable" in words.
"""

PAGE_CSS = """
html, body { height: 100%; margin: 0; }
body {
  display: grid; height: 100vh; height: 100dvh; overflow: hidden;
  grid-template-columns: minmax(0, 1fr) minmax(300px, 400px);
  grid-template-rows: auto minmax(0, 1fr) auto auto;
  grid-template-areas: "header header" "map panel" "profile panel" "footer footer";
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial, sans-serif;
  color: #1d232a; background: #fff;
}
.folium-map { grid-area: map; width: 100% !important; height: 100% !important; min-height: 200px; position: relative !important; }
body .leaflet-container { background: #cfe0ec; font: inherit; font-size: 12px; }
.tm-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }
.tm-skip { position: absolute; left: 8px; top: -40px; z-index: 3000; background: #0969da; color: #fff; padding: 6px 10px; border-radius: 4px; }
.tm-skip:focus { top: 8px; }
:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
.tm-header { grid-area: header; border-bottom: 1px solid #d0d7de; min-width: 0; }
.tm-banner {
  padding: 8px 16px; font-size: 15px; color: #4a2c00; border-bottom: 3px solid #b26a00;
  background: repeating-linear-gradient(45deg, #fff3cd, #fff3cd 14px, #ffe08a 14px, #ffe08a 28px);
}
.tm-banner summary { display: inline; cursor: pointer; list-style: none; }
.tm-banner summary::-webkit-details-marker { display: none; }
.tm-banner[open] .tm-more { display: none; }
.tm-more { text-decoration: underline; font-size: 13px; }
.tm-titlebar { display: flex; align-items: center; gap: 16px; padding: 8px 16px; flex-wrap: wrap; }
.tm-titles { flex: 1 1 420px; min-width: 0; }
.tm-title { font-size: 19px; margin: 0; line-height: 1.25; }
.tm-subtitle { font-size: 13px; color: #57606a; margin-top: 2px; }
.tm-summary { display: flex; gap: 10px; flex-wrap: wrap; }
.tm-count { font-size: 13px; white-space: nowrap; }
.tm-tabs { display: none; }
.tm-badge {
  display: inline-block; padding: 2px 9px; border-radius: 999px; color: #fff; font-weight: 700;
  font-size: 12px; letter-spacing: .02em; white-space: nowrap;
}
.tm-badge-supported { background: #1a7f37; }
.tm-badge-contradicted { background: #c62828; }
.tm-badge-not_verifiable { background: #8a5c00; }
.tm-verdict { display: flex; flex-wrap: wrap; gap: 4px 6px; align-items: center; }
.tm-draft {
  display: inline-block; padding: 1px 7px; border: 2px dashed #8250df; border-radius: 999px; color: #6639ba;
  font-weight: 700; font-size: 11px; letter-spacing: .03em; white-space: nowrap; background: #fbefff;
}
.tm-claim-draft { border-style: dashed; border-left-style: solid; }
.tm-panel { grid-area: panel; overflow-y: auto; border-left: 1px solid #d0d7de; padding: 10px 12px; background: #f6f8fa; min-height: 0; }
.tm-panel:focus { outline: none; }
.tm-panel-head { display: flex; align-items: center; justify-content: space-between; }
.tm-panel h2 { font-size: 16px; margin: 4px 0; }
.tm-hint { font-size: 12px; color: #57606a; margin: 2px 0 10px; }
.tm-reset { font: inherit; font-size: 12px; padding: 3px 8px; border: 1px solid #afb8c1; border-radius: 6px; background: #fff; cursor: pointer; }
.tm-claim {
  display: block; background: #fff; border: 1px solid #d0d7de; border-left: 6px solid #8c959f; border-radius: 6px;
  padding: 9px 11px; margin: 0 0 10px; cursor: pointer; font-size: 13px; line-height: 1.4;
}
.tm-claim:hover { box-shadow: 0 1px 6px rgba(0,0,0,.18); }
.tm-claim.tm-active { box-shadow: 0 0 0 3px #ffab00; }
.tm-claim-supported { border-left-color: #1a7f37; }
.tm-claim-contradicted { border-left-color: #c62828; }
.tm-claim-not_verifiable { border-left-color: #8a5c00; }
.tm-track { cursor: default; }
.tm-claim-head { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
.tm-claim-id { font-size: 11px; font-weight: 400; margin: 0; color: #6e7781; font-family: ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
.tm-quote { margin: 7px 0 2px; font-size: 14px; font-style: italic; font-family: Georgia, "DejaVu Serif", serif; overflow-wrap: anywhere; }
.tm-claim-source { font-size: 12px; color: #57606a; }
.tm-sentence { margin: 6px 0; font-weight: 600; overflow-wrap: anywhere; }
.tm-measured { display: grid; grid-template-columns: fit-content(45%) minmax(0, 1fr); gap: 1px 10px; margin: 4px 0; font-size: 12px; }
.tm-measured dt { color: #57606a; }
.tm-measured dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.tm-notes { margin: 4px 0 0; padding-left: 18px; font-size: 12px; color: #57606a; }
.tm-description { font-size: 13px; margin: 0 0 10px; white-space: pre-line; }
.tm-case-notes { background: #fff8e1; border: 1px solid #e8d9a8; border-radius: 6px; padding: 6px 10px; margin: 0 0 10px; font-size: 12px; }
.tm-case-notes ul { margin: 3px 0 0; padding-left: 18px; }
.tm-show { margin-top: 5px; font: inherit; font-size: 12px; color: #0969da; font-weight: 600; background: none; border: 0; padding: 2px 0; cursor: pointer; }
.tm-ac-tools { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 0 0 8px; font-size: 12px; }
.tm-colour-by label { white-space: nowrap; }
.tm-aircraft { list-style: none; margin: 0; padding: 0; font-size: 12px; }
.tm-aircraft li { background: #fff; border: 1px solid #d0d7de; border-radius: 5px; padding: 4px 7px; margin: 0 0 4px; }
.tm-aircraft label { display: flex; align-items: center; gap: 6px; cursor: pointer; overflow-wrap: anywhere; }
.tm-swatch { flex: 0 0 14px; height: 14px; border-radius: 3px; box-shadow: 0 0 0 1px rgba(0,0,0,.35); }
.tm-ac-meta { display: block; color: #57606a; margin-left: 38px; font-variant-numeric: tabular-nums; }
.tm-ac-label span { position: absolute; transform: translate(6px, -50%); white-space: nowrap; pointer-events: none;
  background: rgba(255,255,255,.9); border-left: 4px solid #37474f; font-size: 11px; font-weight: 600; padding: 0 4px; }
.tm-profile { grid-area: profile; margin: 0; border-top: 1px solid #d0d7de; background: #fff; min-width: 0; }
.tm-profile svg { display: block; width: 100%; touch-action: none; cursor: crosshair; user-select: none; }
.tm-footer {
  grid-area: footer; border-top: 1px solid #d0d7de; padding: 6px 16px; font-size: 12px; color: #424a53;
  max-height: 20vh; overflow-y: auto; background: #fff;
}
.tm-footer a { color: #0969da; }
.tm-sources ul { display: inline; margin: 0; padding: 0; }
.tm-sources li { display: inline; margin-right: 14px; }
.tm-sources code { font-size: 11px; color: #57606a; overflow-wrap: anywhere; }
.tm-file { font-weight: 600; }
.tm-illus { color: #b26a00; text-transform: uppercase; }
.tm-legend { background: #fff; padding: 5px 8px; max-height: 40vh; overflow-y: auto; font-size: 11px; line-height: 1.25; width: 292px; }
.tm-legend summary { font-weight: 700; cursor: pointer; }
.tm-legend details:not([open]) { width: auto; }
.tm-leg-title { margin: 3px 0 2px; color: #424a53; }
.tm-alts { display: flex; flex-wrap: wrap; gap: 2px 6px; margin-bottom: 4px; }
.tm-alt { white-space: nowrap; }
.tm-alt i { display: inline-block; width: 16px; height: 8px; margin-right: 3px; border-radius: 2px; vertical-align: middle; box-shadow: 0 0 0 1px rgba(0,0,0,.35); }
.tm-leg-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 1px 6px; }
.tm-leg-row { display: flex; align-items: center; gap: 4px; min-height: 18px; }
.tm-leg-sym { flex: 0 0 26px; display: flex; justify-content: center; }
.tm-leg-sym svg { max-width: 26px; max-height: 16px; }
.tm-country span, .tm-gap-label span {
  position: absolute; transform: translate(-50%, -50%); white-space: nowrap; pointer-events: none;
}
.tm-country span { color: #8a8177; font-size: 13px; letter-spacing: .18em; text-transform: uppercase; font-weight: 600;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff; }
.tm-gap-label span { background: #37474f; color: #fff; font-size: 11px; font-weight: 600; padding: 1px 5px; border-radius: 3px; }
.leaflet-tooltip.tm-label { font-size: 12px; font-weight: 600; padding: 2px 6px; border: 0; box-shadow: 0 1px 3px rgba(0,0,0,.35); }
.leaflet-tooltip.tm-distance { font-size: 12px; font-weight: 700; color: #bf360c; border: 1px solid #e65100; padding: 1px 5px; }
.tm-icon { background: none; border: 0; }
.tm-icon svg { display: block; filter: drop-shadow(0 1px 1px rgba(0,0,0,.45)); }
.tm-inferred { opacity: .55; }
.tm-hl svg { filter: drop-shadow(0 0 3px #ffab00) drop-shadow(0 0 3px #ffab00); }
.tm-slider { background: #fff; padding: 6px 8px; display: grid; grid-template-columns: auto 1fr; gap: 2px 8px; align-items: center; width: min(440px, 55vw); }
.tm-play { font-size: 14px; width: 30px; height: 26px; border: 1px solid #afb8c1; border-radius: 4px; background: #f6f8fa; cursor: pointer; padding: 0; }
.tm-range { width: 100%; margin: 0; }
.tm-readout { grid-column: 1 / 3; font-size: 12px; font-variant-numeric: tabular-nums; color: #24292f; }
.tm-watermark { position: absolute; top: 10px; left: 50%; transform: translateX(-50%); z-index: 1000; pointer-events: none;
  background: rgba(255, 224, 138, .92); color: #4a2c00; font-weight: 700; padding: 4px 10px; border: 2px solid #b26a00;
  font-size: 13px; white-space: nowrap; }

@media (max-width: 820px) {
  body { grid-template-columns: minmax(0, 1fr); grid-template-rows: auto minmax(0, 1fr) auto;
         grid-template-areas: "header" "map" "profile"; }
  body:not(.tm-view-claims) .tm-panel, body:not(.tm-view-claims) .tm-footer { display: none; }
  /* the claims view is an ordinary page that scrolls, the title and the tabs staying on top */
  body.tm-view-claims { display: block; height: auto; min-height: 100vh; overflow: visible; }
  body.tm-view-claims .tm-header { position: sticky; top: 0; z-index: 1100; background: #fff; }
  body.tm-view-claims .folium-map, body.tm-view-claims .tm-profile { display: none; }
  body.tm-view-claims .tm-panel { overflow: visible; }
  body.tm-view-claims .tm-footer { max-height: none; }
  .tm-banner { padding: 5px 10px; font-size: 13px; }
  .tm-banner:not([open]) summary { display: block; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .tm-titlebar { padding: 5px 10px; gap: 4px 10px; flex-wrap: nowrap; }
  .tm-titles { flex: 1 1 auto; }
  .tm-title { font-size: 15px; display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
  .tm-subtitle { font-size: 11px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .tm-summary { display: none; }
  .tm-tabs { display: flex; border-top: 1px solid #d0d7de; }
  .tm-tab { flex: 1 1 50%; font: inherit; font-size: 14px; font-weight: 600; padding: 9px 6px; background: #f6f8fa; color: #424a53;
            border: 0; border-bottom: 3px solid transparent; cursor: pointer; }
  .tm-tab[aria-selected="true"] { background: #fff; color: #0969da; border-bottom-color: #0969da; }
  .tm-tab-counts { font-weight: 400; color: #57606a; margin-left: 4px; }
  .tm-panel { border-left: 0; padding: 8px 10px; }
  .tm-footer { padding: 5px 10px 12px; }
  .tm-legend { width: auto; max-width: 62vw; max-height: 45vh; }
  .tm-slider { width: min(300px, 62vw); padding: 4px 6px; }
  .tm-readout { font-size: 11px; }
  .tm-watermark { font-size: 11px; top: 6px; white-space: normal; width: 60%; text-align: center; }
}

@media print {
  @page { margin: 12mm; }
  html, body { height: auto !important; overflow: visible !important; }
  body { display: flex !important; flex-direction: column; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .tm-header { order: 0; } .folium-map { order: 1; } .tm-profile { order: 2; } .tm-panel { order: 3; } .tm-footer { order: 4; }
  .tm-tabs, .tm-skip, .tm-reset, .tm-hint, .tm-show, .tm-more, .leaflet-control-zoom, .leaflet-control-layers,
  .tm-play, .tm-range { display: none !important; }
  .folium-map { display: block !important; height: 115mm !important; break-inside: avoid; border: 1px solid #d0d7de; }
  .tm-profile { display: block !important; break-inside: avoid; }
  .tm-panel, .tm-footer { display: block !important; overflow: visible !important; max-height: none !important;
                          border: 0 !important; background: #fff !important; }
  .tm-summary { display: flex !important; }
  .tm-claim { break-inside: avoid; cursor: default; box-shadow: none !important; }
  .tm-claim-id { color: #424a53; }
  .tm-sources li { display: block; }
  .tm-legend { max-height: none; }
}
"""
