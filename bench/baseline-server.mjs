// The floor Parley is measured against: a bare socket.io server on the same namespace that
// greets each connection with a `session`, acks every `message:send` with a message-shaped
// reply and every `history:fetch` with an empty page, storing nothing and checking nothing.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { Server } from 'socket.io';

const http = createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' });
  res.end('{"status":"ok"}');
});
const io = new Server(http, { serveClient: false, cors: { origin: true } });
let seq = 0;

io.of('/messenger').on('connection', (socket) => {
  const contactId = randomBytes(12).toString('hex');
  socket.emit('session', { contact: { id: contactId, type: 'lead', blocked: false, name: null, email: null }, visitorToken: 'baseline' });
  socket.on('history:fetch', (_payload, ack) => {
    if (typeof ack === 'function') ack({ ok: true, messages: [], hasMore: false });
  });
  socket.on('message:send', (payload, ack) => {
    if (typeof ack !== 'function') return;
    ack({
      ok: true,
      message: {
        id: (++seq).toString(16).padStart(24, '0'),
        conversationId: '1',
        clientId: payload?.clientId ?? null,
        author: { type: 'lead', id: contactId, name: null },
        body: payload?.body ?? '',
        messageType: 'reply',
        createdAt: new Date().toISOString(),
      },
    });
  });
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`baseline is running at http://127.0.0.1:${http.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
