// Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
const BROWSERS: [string, RegExp][] = [
  ['Edge', /Edg(?:e|A|iOS)?\/(\d+)/], ['Opera', /OPR\/(\d+)/], ['Firefox', /(?:Firefox|FxiOS)\/(\d+)/], ['Chrome', /(?:Chrome|CriOS)\/(\d+)/], ['Safari', /Version\/(\d+).*Safari\//],
];
const SYSTEMS: [string, RegExp][] = [
  ['Windows', /Windows/], ['iOS', /iPhone|iPad|iPod/], ['Android', /Android/], ['macOS', /Mac OS X|Macintosh/], ['ChromeOS', /CrOS/], ['Linux', /Linux/],
];

/** "Firefox 128" and "macOS" from a User-Agent header: enough for an agent, no database of devices. */
export function describeUserAgent(ua: string): { browser: string; os: string } {
  let browser = 'Unknown browser';
  for (const [name, re] of BROWSERS) {
    const m = re.exec(ua);
    if (m) {
      browser = `${name} ${m[1]}`;
      break;
    }
  }
  return { browser, os: SYSTEMS.find(([, re]) => re.test(ua))?.[0] ?? 'Unknown system' };
}
