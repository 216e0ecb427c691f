import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';

/** Sends one email; `kind` says where it goes (the console shows it). */
export interface Mailer {
  kind: 'smtp' | 'files';
  /** Where `.eml` files are written (kind `files`). */
  dir: string | null;
  send(mail: Mail.Options): Promise<void>;
  close(): void;
}

/**
 * SMTP through nodemailer when `smtpUrl` is set; otherwise each email is rendered to a
 * `.eml` file under `dir`, so the embedded default works with zero set-up and an operator can
 * open what would have been sent.
 */
export function createMailer(smtpUrl: string | null, dir: string): Mailer {
  if (smtpUrl) {
    const transport = nodemailer.createTransport(smtpUrl);
    return {
      kind: 'smtp',
      dir: null,
      async send(mail) {
        await transport.sendMail(mail);
      },
      close: () => transport.close(),
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  let made = false;
  return {
    kind: 'files',
    dir,
    async send(mail) {
      const info = await transport.sendMail(mail);
      if (!made) await mkdir(dir, { recursive: true, mode: 0o700 });
      made = true;
      const id = String(info.messageId).replace(/[^A-Za-z0-9.-]/g, '');
      // Written aside and renamed: whoever watches the directory never reads half an email.
      const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${id}.eml`);
      await writeFile(`${file}.part`, info.message as Buffer, { mode: 0o600 });
      await rename(`${file}.part`, file);
    },
    close: () => transport.close(),
  };
}
