// The widget's public API (the `Parley(...)` commands and boot options) and the small
// contract between the loader (widget.js) and the lazily loaded app chunk.
import type { SafeStorage } from './storage.js';

/** Options for `Parley('boot', options)`; all but `server` can change with `update`. */
export interface BootOptions {
  /** Parley server origin, e.g. `https://chat.example.com`. Default: where widget.js came from. */
  server?: string;
  /** Identity verification: userId + userHash (HMAC-SHA256 of userId with the server secret). */
  userId?: string;
  userHash?: string;
  /** Or a signed HS256 JWT with claims userId, email?, name?. */
  jwt?: string;
  email?: string;
  name?: string;
  /** BCP 47 tag; `en`, `fr` and `de` are translated, anything else falls back to English. */
  locale?: string;
  /** Any CSS color for the launcher, header and own messages. */
  accentColor?: string;
  /** Corner for launcher and panel. */
  position?: 'right' | 'left';
  /** Default `light` (most sites are); `auto` follows the visitor's system setting. */
  theme?: 'light' | 'dark' | 'auto';
  /** Show the round launcher button (default true). Without it, open with `Parley('show')`. */
  launcher?: boolean;
  /** Header title, e.g. your company name. */
  title?: string;
  /** First bubble in the thread, shown before any message. */
  greeting?: string;
  /** Text shown instead of the composer when the contact is blocked. */
  blockedText?: string;
  /** Show the unread count in the page's title while replies are unread (default true); the title is restored after. */
  titleCount?: boolean;
  /** A short chime when an agent replies while the panel is closed or the tab hidden (default false). */
  sound?: boolean;
  /** Another way to reach you, shown under the blocked notice, e.g. `Call us on +33 4 00 00 00 00`. Markdown links allowed. */
  blockedContact?: string;
}

export type Listener<T = void> = (value: T) => void;

/** Every command `Parley(...)` understands; anything else logs one warning. */
export interface Commands {
  boot(options?: BootOptions): void;
  shutdown(): void;
  show(): void;
  hide(): void;
  update(options: BootOptions): void;
  onUnreadCountChange(fn: Listener<number>): void;
  onShow(fn: Listener): void;
  onHide(fn: Listener): void;
}

export type CommandName = keyof Commands;

/** What the loader hands to the app chunk when it mounts. */
export interface Host {
  /** Options as booted and updated, with `server` resolved. */
  options: BootOptions & { server: string };
  /** Element inside the shadow root the panel renders into. */
  root: HTMLElement;
  /** Element above the launcher for the preview of a new reply while the panel is closed. */
  preview: HTMLElement;
  storage: SafeStorage;
  /** Adds a stylesheet to the shadow root. */
  adopt(css: string): void;
  setOpen(open: boolean): void;
  setUnread(count: number): void;
}

/** What the app chunk hands back. */
export interface AppHandle {
  /** Panel opened or closed (launcher, `show`, `hide`). */
  opened(open: boolean): void;
  /** Options changed through `update`. */
  update(changed: BootOptions): void;
  destroy(): void;
}

export interface AppModule {
  mount(host: Host, open: boolean): AppHandle;
}
