// A real SMTP server in this process (smtp-server): follow-up email tests read what arrived.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedEmail {
  to: string[];
  raw: string;
  header(name: string): string | undefined;
  /** The text/plain part, transfer encoding undone. */
  text: string;
}

/** Decodes the text/plain part of a (multipart) message: quoted-printable, base64 or 7/8 bit. */
export function parseEmail(raw: string, to: string[] = []): ReceivedEmail {
  const [head] = raw.split(/\r?\n\r?\n/);
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const header = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded)?.[1];
  const part = /Content-Type: text\/plain[^]*?\r?\n\r?\n([^]*?)(?:\r?\n--|$)/i.exec(raw);
  // A multipart's text part names its own encoding; a single-part email has it among the headers (maybe before Content-Type).
  const encoding = (part ? /Content-Transfer-Encoding: ([\w-]+)/i.exec(raw.slice(raw.indexOf(part[0]), raw.indexOf(part[0]) + 300))?.[1] ?? header('Content-Transfer-Encoding') : undefined)?.toLowerCase();
  let text = part?.[1] ?? '';
  if (encoding === 'quoted-printable') {
    text = Buffer.from(text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  } else if (encoding === 'base64') text = Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8');
  return { to, raw, header, text: text.replace(/\r\n/g, '\n') };
}

/** Listens on 127.0.0.1, ephemeral port, no auth or TLS; `next()` resolves with the next email. */
export async function startSmtp() {
  const inbox: ReceivedEmail[] = [];
  const waiting: ((m: ReceivedEmail) => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const mail = parseEmail(Buffer.concat(chunks).toString('utf8'), session.envelope.rcptTo.map((r) => r.address));
        inbox.push(mail);
        waiting.shift()?.(mail);
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  let read = 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    inbox,
    /** The next email not yet handed out by `next`. */
    next(): Promise<ReceivedEmail> {
      if (read < inbox.length) return Promise.resolve(inbox[read++]);
      return new Promise((resolve) => waiting.push((m) => (read++, resolve(m))));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
