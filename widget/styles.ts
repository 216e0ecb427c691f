// All widget CSS. It is adopted into the shadow root (never the host document). Only px
// units: `rem` would follow the host page's <html> font size. build-target compacts it.

/** Host reset, theme variables, launcher and the empty panel frame: what the loader paints. */
export const baseCss = `
:host {
  all: initial !important;
  display: block !important;
  position: static !important;
  contain: none !important;
}
.w {
  --a: #4f46e5;
  --on-a: #fff;
  --bg: #fff;
  --bg2: #f5f6f8;
  --fg: #1d2129;
  --mut: #5f6673;
  --bd: #e4e6eb;
  --bub: #fff;
  --err: #c2410c;
  --sh: 0 12px 48px rgba(17, 24, 39, .18), 0 2px 8px rgba(17, 24, 39, .08);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji";
  color: var(--fg);
  -webkit-font-smoothing: antialiased;
  text-align: left;
  direction: ltr;
}
.w.dark {
  --bg: #1b1c20;
  --bg2: #121316;
  --fg: #eceef2;
  --mut: #9aa1ad;
  --bd: #2d3037;
  --bub: #25272d;
  --err: #fb923c;
  --sh: 0 12px 48px rgba(0, 0, 0, .5);
}
.w *, .w *::before, .w *::after { box-sizing: border-box; }
.l {
  position: fixed;
  z-index: 2147483000;
  bottom: 20px;
  right: 20px;
  width: 56px;
  height: 56px;
  border: 0;
  border-radius: 50%;
  padding: 0;
  margin: 0;
  background: var(--a);
  color: var(--on-a);
  box-shadow: 0 6px 20px rgba(17, 24, 39, .25);
  cursor: pointer;
  display: grid;
  place-items: center;
  transition: transform .15s ease;
}
.l:hover { transform: scale(1.06); }
.l:focus-visible, .w button:focus-visible, .w a:focus-visible { outline: 3px solid var(--a); outline-offset: 2px; }
.l:focus-visible { outline-color: var(--fg); }
.l svg { width: 26px; height: 26px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
.l .ix, .open .l .io { display: none; }
.open .l .ix { display: block; }
.left .l { right: auto; left: 20px; }
.nolauncher .l { display: none; }
.b {
  position: absolute;
  top: -4px;
  right: -4px;
  min-width: 20px;
  height: 20px;
  padding: 0 6px;
  border-radius: 10px;
  background: #e11d48;
  color: #fff;
  font: 700 11px/20px system-ui, sans-serif;
  text-align: center;
  box-shadow: 0 0 0 2px #fff;
}
.b:empty { display: none; }
.p {
  position: fixed;
  z-index: 2147483001;
  bottom: 88px;
  right: 20px;
  width: 376px;
  height: min(640px, calc(100vh - 108px));
  min-height: 320px;
  background: var(--bg);
  border-radius: 16px;
  box-shadow: var(--sh);
  overflow: hidden;
  display: none;
  flex-direction: column;
}
.nolauncher .p { bottom: 20px; height: min(660px, calc(100vh - 40px)); }
.open .p { display: flex; animation: pin .18s ease-out; }
.left .p { right: auto; left: 20px; }
.p:empty::after {
  content: "";
  margin: auto;
  width: 28px;
  height: 28px;
  border: 3px solid var(--bd);
  border-top-color: var(--a);
  border-radius: 50%;
  animation: spin .8s linear infinite;
}
@keyframes pin { from { opacity: 0; transform: translateY(12px); } }
@keyframes spin { to { transform: rotate(360deg); } }
@media (max-width: 480px) {
  .open .p { inset: 0; width: auto; height: auto; min-height: 0; border-radius: 0; }
  .open .l { display: none; }
}
@media (prefers-reduced-motion: reduce) {
  .w *, .w *::before, .w *::after { animation: none !important; transition: none !important; }
}
`;

/** The panel: header, thread, composer, notices. Loaded with the app chunk. */
export const panelCss = `
.pv { position: fixed; z-index: 2147483000; bottom: 88px; right: 20px; max-width: min(300px, calc(100vw - 40px)); }
.left .pv { right: auto; left: 20px; }
.open .pv, .nolauncher .pv { display: none; }
.pvb { position: relative; background: var(--bg); color: var(--fg); border: 1px solid var(--bd); border-radius: 14px; box-shadow: var(--sh); animation: pin .18s ease-out; }
.pvo { display: block; width: 100%; text-align: left; font: inherit; color: inherit; background: none; border: 0; border-radius: 14px; padding: 12px 40px 12px 14px; cursor: pointer; }
.pvo strong { display: block; font-size: 12.5px; color: var(--mut); font-weight: 600; }
.pvo span { display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
.pvx { position: absolute; top: 6px; right: 6px; width: 28px; height: 28px; border: 0; border-radius: 8px; background: none; color: var(--mut); display: grid; place-items: center; padding: 0; cursor: pointer; }
.pvx svg { width: 16px; height: 16px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; }
.h {
  flex: none;
  display: flex;
  align-items: center;
  gap: 12px;
  padding: 18px 16px 18px 20px;
  background: var(--a);
  color: var(--on-a);
}
.h-t { flex: 1; min-width: 0; }
.h-t strong { display: block; font-size: 17px; font-weight: 650; letter-spacing: -.01em; }
.h-t > span { display: block; font-size: 13px; opacity: .85; }
.ib {
  flex: none;
  width: 36px;
  height: 36px;
  border: 0;
  border-radius: 10px;
  background: transparent;
  color: inherit;
  cursor: pointer;
  display: grid;
  place-items: center;
  padding: 0;
}
.ib:hover { background: rgba(255, 255, 255, .16); }
.h .ib:focus-visible, .me .bu a:focus-visible { outline-color: var(--on-a); }
.ib svg, .s svg { width: 20px; height: 20px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
.st {
  flex: none;
  padding: 8px 16px;
  font-size: 12.5px;
  background: #fef3c7;
  color: #78350f;
  text-align: center;
}
.dark .st { background: #3b2a06; color: #fde68a; }
.t {
  flex: 1;
  overflow-y: auto;
  overscroll-behavior: contain;
  background: var(--bg2);
  padding: 16px 16px 8px;
  display: flex;
  flex-direction: column;
  gap: 2px;
}
.m { display: flex; flex-direction: column; align-items: flex-start; max-width: 82%; }
.m.me { align-self: flex-end; align-items: flex-end; }
.m.gap { margin-top: 12px; }
.ds { margin: 12px 0 4px; text-align: center; font-size: 12px; color: var(--mut); }
.who { font-size: 12px; color: var(--mut); margin: 0 0 3px 12px; }
.who img { width: 20px; height: 20px; border-radius: 50%; object-fit: cover; vertical-align: -6px; margin-right: 6px; }
.bu {
  padding: 9px 13px;
  border-radius: 18px;
  background: var(--bub);
  border: 1px solid var(--bd);
  overflow-wrap: anywhere;
  white-space: normal;
}
.me .bu { background: var(--a); color: var(--on-a); border-color: transparent; }
.me.pending .bu { opacity: .7; }
.me.failed .bu, .me.undelivered .bu { background: transparent; color: var(--fg); border: 1px dashed var(--err); }
.bu p, .bu ul, .bu ol, .bu pre, .bu blockquote { margin: 0 0 6px; }
.bu > :last-child { margin-bottom: 0; }
.bu ul, .bu ol { padding-left: 20px; }
.bu a { color: inherit; text-decoration: underline; }
.bu code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: rgba(127, 127, 127, .16); padding: 1px 4px; border-radius: 4px; }
.bu pre { background: rgba(127, 127, 127, .16); padding: 8px 10px; border-radius: 8px; overflow-x: auto; white-space: pre; }
.bu pre code { background: none; padding: 0; }
.bu blockquote { border-left: 3px solid currentColor; padding-left: 8px; opacity: .85; }
.meta { font-size: 11.5px; color: var(--mut); margin: 3px 6px 0; display: flex; gap: 6px; align-items: center; }
.meta.err { color: var(--err); }
.ty { display: flex; align-items: center; gap: 8px; margin-top: 10px; color: var(--mut); font-size: 12.5px; }
.dots { display: inline-flex; gap: 3px; padding: 10px 12px; border-radius: 16px; background: var(--bub); border: 1px solid var(--bd); }
.dots i { width: 6px; height: 6px; border-radius: 50%; background: var(--mut); animation: blink 1.2s infinite both; }
.dots i:nth-child(2) { animation-delay: .2s; }
.dots i:nth-child(3) { animation-delay: .4s; }
@keyframes blink { 0%, 80%, 100% { opacity: .3; } 40% { opacity: 1; } }
.live:empty { display: none; }
.fs {
  flex: none;
  display: flex;
  align-items: center;
  gap: 10px;
  padding: 8px 16px;
  border-top: 1px solid var(--bd);
  background: var(--bg);
  color: var(--err);
  font-size: 12.5px;
}
.fs span { flex: 1; }
.fs button { flex: none; font: inherit; font-weight: 600; color: var(--fg); background: var(--bg2); border: 1px solid var(--bd); border-radius: 8px; padding: 4px 10px; cursor: pointer; }
.c {
  flex: none;
  display: flex;
  flex-wrap: wrap;
  align-items: flex-end;
  gap: 8px;
  padding: 12px 12px 12px 16px;
  border-top: 1px solid var(--bd);
  background: var(--bg);
}
.c textarea {
  flex: 1;
  resize: none;
  border: 0;
  outline: 0;
  background: transparent;
  color: var(--fg);
  font: inherit;
  font-size: 14.5px;
  line-height: 20px;
  padding: 8px 10px;
  margin: 0 0 0 -10px;
  border-radius: 10px;
  height: 36px;
  max-height: 132px;
  min-width: 0;
}
.c textarea::placeholder { color: var(--mut); opacity: 1; }
.c textarea:focus-visible { outline: 2px solid var(--a); outline-offset: -2px; }
.s {
  flex: none;
  width: 36px;
  height: 36px;
  border: 0;
  border-radius: 50%;
  background: var(--a);
  color: var(--on-a);
  cursor: pointer;
  display: grid;
  place-items: center;
  padding: 0;
}
.s:disabled { background: var(--bd); color: var(--mut); cursor: default; }
/* Its own line above the textarea: the counter never takes width from what is typed. */
.cnt { order: -1; flex: 1 0 100%; text-align: right; font-size: 12px; color: var(--mut); }
.cnt.err { color: var(--err); font-weight: 600; }
.f { flex: none; text-align: center; font-size: 11px; color: var(--mut); padding: 0 0 8px; background: var(--bg); }
@media (max-width: 480px) {
  /* iOS zooms into inputs under 16px. */
  .c textarea { font-size: 16px; }
}
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
