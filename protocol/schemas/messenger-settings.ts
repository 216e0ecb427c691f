import * as v from 'valibot';

const Clock = v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)'));

const Period = v.pipe(
  v.object({ day: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(6)), open: Clock, close: Clock }),
  v.forward(v.partialCheck([['open'], ['close']], (p) => p.close > p.open, 'must be after the opening time'), ['close']),
);

/** Office hours and reply expectations the widget shows (`PUT /console/api/messenger-settings`, admins). */
export const MessengerSettingsSchema = v.object({
  /** "Typically replies in …": a few minutes, about an hour, within a day; null shows nothing. */
  replyTime: v.nullable(v.picklist(['minutes', 'hour', 'day'])),
  /** IANA time zone the hours are in, e.g. Europe/Paris. */
  timezone: v.pipe(v.string(), v.maxLength(64), v.check((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Europe/Paris')),
  /** Open periods by weekday (0 = Sunday), each closing after it opens (same day); none: always open. */
  hours: v.pipe(v.array(Period), v.maxLength(21)),
});

export type MessengerSettings = v.InferOutput<typeof MessengerSettingsSchema>;
