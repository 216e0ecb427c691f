import * as v from 'valibot';
import { Email, shortText } from './ids.js';

/** `followup:subscribe` (messenger socket): the address agent replies are emailed to while the visitor is away. */
export const FollowupSubscribeSchema = v.object({
  email: Email,
  /** The page the visitor is on: the email links back to it. http(s) only. */
  pageUrl: v.optional(v.pipe(v.string(), v.maxLength(2048), v.url(), v.regex(/^https?:\/\//i, 'must be an http(s) URL'))),
  /** BCP 47 tag the email is written in (en, fr, de; others get English). */
  locale: v.optional(shortText(35)),
});

/** `GET|POST /email/unsubscribe?token=…`: the link in every follow-up email. */
export const UnsubscribeQuerySchema = v.object({ token: shortText(200) });
