import { RedisAdapter } from '@socket.io/redis-adapter';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import type { Namespace, Server } from 'socket.io';

type BroadcastOptions = Parameters<RedisAdapter['broadcast']>[1];
type Packet = Parameters<RedisAdapter['broadcast']>[0];
type Room = Parameters<RedisAdapter['addAll']>[1] extends Set<infer R> ? R : never;

/** Pushes waiting for Redis on the publishing connection; past this a push fails fast. */
const MAX_QUEUED_PUBLISHES = 10_000;

/**
 * The Redis adapter, minus the work a broadcast does for nobody (a profile of the PostgreSQL +
 * Redis send phase found pushes through Redis the largest share of each process's CPU; the
 * committed runs before and after: bench/results/*T1225-send-pg-* and *T1534-send-pg-*):
 * - messages are JSON (native) rather than msgpack, as nothing we broadcast is binary;
 * - every process hears every broadcast back from Redis, its own too: those that reach no
 *   socket here are dropped, most of them undecoded (see decode);
 * - socket.io encodes a packet before it looks for local recipients: with none here (the
 *   sender's only tab, no console on this process) the broadcast is only published.
 * Broadcasts are published here, so none of them leaves a rejected promise behind.
 */
class ParleyRedisAdapter extends RedisAdapter {
  private readonly prefix: string;

  constructor(nsp: Namespace, pubClient: unknown, subClient: unknown, key: string) {
    let adapter: ParleyRedisAdapter | undefined;
    super(nsp, pubClient, subClient, {
      key,
      parser: {
        encode: (message: unknown) => JSON.stringify(message),
        decode: (raw: Buffer) => (adapter ? adapter.decode(raw) : JSON.parse(raw.toString())),
      },
    });
    adapter = this;
    this.prefix = `${key}#${nsp.name}#`;
  }

  /**
   * Broadcasts (`[uid, packet, opts]`) that would reach no socket here are answered as our own,
   * `[uid]`, which RedisAdapter then ignores: our own (told by the uid at the head of the JSON,
   * undecoded), any while this namespace has no socket here (undecoded), and any whose rooms
   * hold none here. Requests and responses (objects) are decoded as they are.
   */
  private decode(raw: Buffer) {
    const broadcast = raw[0] === 0x5b;
    if (broadcast && (this.sids.size === 0 || startsWithUid(raw, this.uid))) return [this.uid];
    const message = JSON.parse(raw.toString());
    if (broadcast && Array.isArray(message) && message[2] && !this.reachesLocal(message[2].rooms ?? [], message[2].except ?? [])) return [this.uid];
    return message;
  }

  override broadcast(packet: Packet, opts: BroadcastOptions) {
    packet.nsp = this.nsp.name;
    if (!opts.flags?.local) {
      // What RedisAdapter.broadcast publishes (same message, same channel); a push Redis
      // refuses (away, or too many waiting) is lost as pub/sub loses it, not an unhandled rejection.
      const msg = this.parser.encode([this.uid, packet, { rooms: [...opts.rooms], except: [...new Set(opts.except)], flags: opts.flags }]);
      const channel = opts.rooms.size === 1 ? `${this.prefix}${String(opts.rooms.keys().next().value)}#` : this.prefix;
      (this.pubClient.publish(channel, msg) as Promise<unknown>).catch(() => {});
    }
    if (this.reachesLocal(opts.rooms, opts.except ?? [])) super.broadcast(packet, { ...opts, flags: { ...opts.flags, local: true } });
  }

  /** Whether a socket of this process is among the recipients (the test socket.io's apply() makes). */
  private reachesLocal(rooms: Iterable<Room>, except: Iterable<Room>): boolean {
    const excluded = new Set<string>();
    for (const room of except) for (const id of this.rooms.get(room) ?? []) excluded.add(id);
    const named = [...rooms];
    const candidates = named.length === 0 ? [this.sids.keys()] : named.map((room) => this.rooms.get(room)?.values() ?? []);
    for (const ids of candidates) for (const id of ids) if (!excluded.has(id)) return true;
    return false;
  }
}

const startsWithUid = (raw: Buffer, uid: string) =>
  raw[0] === 0x5b && raw[1] === 0x22 && raw[2 + uid.length] === 0x22 && raw.toString('latin1', 2, 2 + uid.length) === uid;

/**
 * Fans socket.io broadcasts (message:new, contact:blocked, console events) out to every
 * Parley process through Redis pub/sub, on channels named by the deployment (`deploymentId`):
 * another deployment (or test cluster) using the same Redis hears none of them.
 */
export async function attachRedisAdapter(io: Server, url: string, logger: Logger, deploymentId: string) {
  // `pub` also carries the rate limits' commands, with the client's default command timeout.
  const pub = createClient({ url });
  const sub = pub.duplicate();
  // Broadcasts go out on a connection of their own without a per-command timeout (node-redis
  // arms an AbortSignal timer per command: the costliest part of a publish). What bounds them
  // instead: no offline queue (while Redis is away a push fails at once, as pub/sub would lose
  // it anyway) and a bounded queue of pushes awaiting Redis's answer.
  const publisher = pub.duplicate({ disableOfflineQueue: true, commandsQueueMaxLength: MAX_QUEUED_PUBLISHES, commandOptions: { timeout: 0 } });
  for (const client of [pub, sub, publisher]) client.on('error', (err) => logger.error({ err }, 'redis error'));
  await Promise.all([pub.connect(), sub.connect(), publisher.connect()]);
  // The wire format is part of the name: processes of an earlier release (msgpack) publish on
  // other channels, so during a rolling upgrade neither side decodes the other's broadcasts.
  const key = `parley:json:${deploymentId}`;
  // socket.io constructs the adapter of each namespace with `new`, from the namespace alone.
  io.adapter(class extends ParleyRedisAdapter {
    constructor(nsp: Namespace) {
      super(nsp, publisher, sub, key);
    }
  });
  return {
    pub,
    /** Every connection (readiness checks them; it pings the first). */
    clients: [pub, sub, publisher] as const,
    async close() {
      await Promise.allSettled([pub.quit(), sub.quit(), publisher.quit()]);
    },
  };
}
