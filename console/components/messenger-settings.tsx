import { useEffect, useState } from 'preact/hooks';
import type { MessengerSettings } from '../../protocol/schemas/messenger-settings.js';
import { api, fieldErrors } from '../api.js';
import type { ConsoleState } from '../state.js';

/** Weekdays as the form lists them (Monday first); `day` is the API's (0 = Sunday). */
const WEEK = [1, 2, 3, 4, 5, 6, 0].map((day) => ({ day, name: new Intl.DateTimeFormat('en', { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2026, 2, 15 + day))) }));
const MAX_PERIODS_PER_DAY = 3;

type Period = { open: string; close: string };
type Week = Record<number, Period[]>;

const weekOf = (s: MessengerSettings): Week => Object.fromEntries(WEEK.map(({ day }) => [day, s.hours.filter((h) => h.day === day).map(({ open, close }) => ({ open, close }))]));

/** The body to send, and each period's index in `hours` (the server's error paths use it). */
function toBody(week: Week, timezone: string, replyTime: string) {
  const hours: MessengerSettings['hours'] = [];
  const at: Record<string, number> = {};
  for (const { day } of WEEK) week[day]!.forEach((p, i) => (at[`${day}.${i}`] = hours.push({ day, ...p }) - 1));
  return { body: { replyTime: replyTime || null, timezone, hours }, at };
}

/** One field's server error under it, tied to the input by `aria-describedby`. */
const FieldError = ({ id, text }: { id: string; text?: string }) =>
  text ? (
    <span class="err" id={id}>
      {text}
    </span>
  ) : null;

/** Admins: office hours (per weekday, in one time zone) and the "typically replies in" line the widget shows. */
export function MessengerSettingsView({ s }: { s: ConsoleState }) {
  const [week, setWeek] = useState<Week | null>(null);
  const [timezone, setTimezone] = useState('UTC');
  const [replyTime, setReplyTime] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<MessengerSettings>('GET', '/messenger-settings').then((r) => {
      setWeek(weekOf(r));
      setTimezone(r.timezone);
      setReplyTime(r.replyTime ?? '');
    }, (e: Error) => s.notify(e.message));
  }, []);

  if (!week) return <section class="page" aria-busy="true" aria-label="Messenger settings" />;
  const { at } = toBody(week, timezone, replyTime);
  const errorOf = (day: number, i: number, field: 'open' | 'close') => errors[`hours.${at[`${day}.${i}`]}.${field}`];
  const change = (day: number, periods: Period[]) => setWeek({ ...week, [day]: periods });

  async function save(e: Event) {
    e.preventDefault();
    setBusy(true);
    try {
      const saved = await api<MessengerSettings>('PUT', '/messenger-settings', toBody(week!, timezone.trim(), replyTime).body);
      setErrors({});
      setWeek(weekOf(saved));
      s.notify('Messenger settings saved.', 'info');
    } catch (err) {
      const found = fieldErrors((err as Error).message);
      setErrors(found);
      // Problems the form cannot place next to a field still get said.
      if (!Object.keys(found).length) s.notify((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const invalid = Object.keys(errors).length > 0;
  return (
    <section class="page" aria-labelledby="messenger-title">
      <div class="page-head">
        <h2 id="messenger-title">Messenger</h2>
        <span class="hint">What visitors see in the widget's header</span>
      </div>
      <form class="messenger-form" onSubmit={save} noValidate>
        {invalid && (
          <p class="err" role="alert">
            Some values are not valid; see the marked fields.
          </p>
        )}
        <label class="field">
          <span>Typically replies in</span>
          <select name="replyTime" value={replyTime} onChange={(e) => setReplyTime(e.currentTarget.value)} aria-invalid={!!errors.replyTime} aria-describedby={errors.replyTime ? 'err-reply' : undefined}>
            <option value="">Not shown</option>
            <option value="minutes">A few minutes</option>
            <option value="hour">About an hour</option>
            <option value="day">Within a day</option>
          </select>
          <FieldError id="err-reply" text={errors.replyTime} />
        </label>
        <label class="field">
          <span>Time zone of the hours</span>
          <input name="timezone" value={timezone} maxLength={64} autoComplete="off" list="time-zones" onInput={(e) => setTimezone(e.currentTarget.value)}
            aria-invalid={!!errors.timezone} aria-describedby={errors.timezone ? 'err-tz' : 'tz-hint'} />
          <span class="hint" id="tz-hint">An IANA name such as Europe/Paris</span>
          <FieldError id="err-tz" text={errors.timezone} />
        </label>
        <datalist id="time-zones">
          {(Intl.supportedValuesOf?.('timeZone') ?? []).map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <fieldset class="hours">
          <legend>Office hours</legend>
          <p class="hint">Days without hours are closed. No hours at all: always shown as open.</p>
          {WEEK.map(({ day, name }) => (
            <fieldset key={day} class="day">
              <legend>{name}</legend>
              {week[day]!.length === 0 && <span class="hint closed">Closed</span>}
              {week[day]!.map((p, i) => {
                const id = `h-${day}-${i}`;
                const put = (field: 'open' | 'close', value: string) => change(day, week[day]!.map((x, j) => (j === i ? { ...x, [field]: value } : x)));
                return (
                  <div class="period" key={i}>
                    {(['open', 'close'] as const).map((field) => (
                      <label class="field" key={field}>
                        <span>{field === 'open' ? 'Opens' : 'Closes'}</span>
                        <input type="time" required value={p[field]} aria-label={`${name} ${field === 'open' ? 'opens' : 'closes'}`} onInput={(e) => put(field, e.currentTarget.value)}
                          aria-invalid={!!errorOf(day, i, field)} aria-describedby={errorOf(day, i, field) ? `${id}-${field}-err` : undefined} />
                        <FieldError id={`${id}-${field}-err`} text={errorOf(day, i, field)} />
                      </label>
                    ))}
                    <button type="button" class="btn ghost" aria-label={`Remove ${name} ${p.open}–${p.close}`} onClick={() => change(day, week[day]!.filter((_, j) => j !== i))}>
                      Remove
                    </button>
                  </div>
                );
              })}
              {week[day]!.length < MAX_PERIODS_PER_DAY && (
                <button type="button" class="btn" aria-label={`Add hours on ${name}`} onClick={() => change(day, [...week[day]!, { open: '09:00', close: '17:00' }])}>
                  Add hours
                </button>
              )}
            </fieldset>
          ))}
        </fieldset>
        <button type="submit" class="btn primary" disabled={busy}>
          Save
        </button>
      </form>
    </section>
  );
}
