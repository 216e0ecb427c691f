import type Mail from 'nodemailer/lib/mailer/index.js';
import type { ClaimedFollowup } from '../store/store.js';

const TEXT = {
  en: { subject: (n: number) => (n === 1 ? 'New reply to your message' : `${n} new replies to your message`), intro: 'You have a reply to the message you sent us:', open: 'Continue the conversation', unsubscribe: 'Stop these emails' },
  fr: { subject: (n: number) => (n === 1 ? 'Nouvelle réponse à votre message' : `${n} nouvelles réponses à votre message`), intro: 'Vous avez une réponse au message que vous nous avez envoyé :', open: 'Reprendre la conversation', unsubscribe: 'Ne plus recevoir ces emails' },
  de: { subject: (n: number) => (n === 1 ? 'Neue Antwort auf Ihre Nachricht' : `${n} neue Antworten auf Ihre Nachricht`), intro: 'Sie haben eine Antwort auf Ihre Nachricht an uns:', open: 'Unterhaltung fortsetzen', unsubscribe: 'Keine solchen E-Mails mehr' },
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * One follow-up email: the agents' replies as text (their markdown as written), a link back
 * to the page the visitor was on, and a one-click unsubscribe link (RFC 8058 headers too).
 */
export function followupEmail(f: ClaimedFollowup, opts: { from: string; unsubscribeUrl: string }): Mail.Options {
  const t = TEXT[(f.locale?.slice(0, 2) as keyof typeof TEXT) || 'en'] ?? TEXT.en;
  const replies = f.replies.map((m) => ({ who: m.authorName || 'Support', body: m.body }));
  const text = [
    t.intro,
    '',
    ...replies.flatMap((r) => [`${r.who}:`, r.body, '']),
    ...(f.pageUrl ? [`${t.open}: ${f.pageUrl}`, ''] : []),
    `${t.unsubscribe}: ${opts.unsubscribeUrl}`,
  ].join('\n');
  const html = `<!doctype html><html><body style="font:15px/1.5 system-ui,sans-serif;color:#1d2129">
<p>${escapeHtml(t.intro)}</p>
${replies.map((r) => `<p style="margin:0 0 4px;color:#5f6673">${escapeHtml(r.who)}</p><blockquote style="margin:0 0 16px;padding:8px 12px;border-left:3px solid #4f46e5;white-space:pre-wrap">${escapeHtml(r.body)}</blockquote>`).join('\n')}
${f.pageUrl ? `<p><a href="${escapeHtml(f.pageUrl)}">${escapeHtml(t.open)}</a></p>` : ''}
<p style="font-size:12px;color:#5f6673"><a href="${escapeHtml(opts.unsubscribeUrl)}">${escapeHtml(t.unsubscribe)}</a></p>
</body></html>`;
  return {
    from: opts.from,
    to: f.email,
    subject: t.subject(replies.length),
    text,
    html,
    headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    list: { unsubscribe: opts.unsubscribeUrl },
  };
}
