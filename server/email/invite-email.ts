import type Mail from 'nodemailer/lib/mailer/index.js';

/** The invitation an admin sends a new agent: who invites, the link (72 h, single use) and what it does. */
export function inviteEmail(opts: { from: string; to: string; inviter: string; link: string; expiresAt: string }): Mail.Options {
  const until = new Date(opts.expiresAt).toUTCString();
  return {
    from: opts.from,
    to: opts.to,
    subject: `${opts.inviter} invited you to the support console`,
    text: [
      `${opts.inviter} invited you to answer customers in the support console.`,
      '',
      `Choose your name and password here: ${opts.link}`,
      '',
      `The link works once, until ${until}. If you did not expect this email, ignore it.`,
    ].join('\n'),
  };
}
