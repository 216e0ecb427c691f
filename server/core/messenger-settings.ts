import type { MessengerSettings } from '../../protocol/schemas/messenger-settings.js';
import type { TeamInfo } from '../../protocol/messenger.js';
import { ParleyError } from './errors.js';
import type { AgentRecord, Store } from '../store/store.js';

const KEY = 'messenger';
export const DEFAULT_MESSENGER_SETTINGS: MessengerSettings = { replyTime: null, timezone: 'UTC', hours: [] };
/** Sessions read the team from memory for this long (one query per process per interval). */
const TEAM_CACHE_MS = 30_000;
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Whether `now` is within office hours, and if not, the weekday and time (in the business's zone) they open next. */
export function availability(s: MessengerSettings, now: Date): Pick<TeamInfo, 'open' | 'back'> {
  if (!s.hours.length) return { open: true };
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: s.timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now).map((p) => [p.type, p.value]),
  );
  const day = DAYS.indexOf(parts.weekday);
  const time = `${parts.hour}:${parts.minute}`;
  if (s.hours.some((h) => h.day === day && h.open <= time && time < h.close)) return { open: true };
  for (let i = 0; i < 8; i++) {
    const d = (day + i) % 7;
    const next = s.hours.filter((h) => h.day === d && (i > 0 || h.open > time)).map((h) => h.open).sort()[0];
    if (next) return { open: false, back: { day: d, time: next, timezone: s.timezone } };
  }
  return { open: false };
}

/**
 * What the widget's header promises: the team's names, "typically replies in …" and office
 * hours, set by admins. Read by every messenger session (cached), written rarely.
 */
export class MessengerSettingsService {
  private cache: { at: number; settings: MessengerSettings; names: string[]; avatarKeys: (string | null)[] } | null = null;

  constructor(private readonly store: Store) {}

  async get(): Promise<MessengerSettings> {
    return (await this.store.settings.get<MessengerSettings>(KEY)) ?? DEFAULT_MESSENGER_SETTINGS;
  }

  async update(settings: MessengerSettings, by: AgentRecord): Promise<MessengerSettings> {
    if (by.role !== 'admin') throw new ParleyError('forbidden', 'Only admins can change the messenger settings.');
    await this.store.settings.put(KEY, settings);
    this.cache = null;
    return settings;
  }

  /**
   * The team as the widget shows it now (names of up to 3 active agents), with their picture
   * keys in the same order (null: none); the transport turns keys into addresses.
   */
  async team(now = Date.now()): Promise<{ info: TeamInfo; avatarKeys: (string | null)[] }> {
    if (!this.cache || now - this.cache.at > TEAM_CACHE_MS) {
      const [settings, agents] = await Promise.all([this.get(), this.store.agents.list()]);
      const team = agents.filter((a) => !a.deactivatedAt).slice(0, 3);
      this.cache = { at: now, settings, names: team.map((a) => a.name), avatarKeys: team.map((a) => a.avatarKey ?? null) };
    }
    const { settings, names, avatarKeys } = this.cache;
    return { info: { names, replyTime: settings.replyTime, ...availability(settings, new Date(now)) }, avatarKeys };
  }
}
