import type { Namespace } from 'socket.io';

/**
 * Whether a broadcast could reach anyone. socket.io encodes a packet before it looks for
 * recipients, so a push nobody receives still costs a JSON encode per message. With several
 * processes (Redis adapter) recipients may live elsewhere, so the answer is always yes.
 */
export function hasAudience(nsp: Namespace<any, any, any, any>, clustered: boolean, room?: string, except?: string): boolean {
  if (clustered) return true;
  if (!room) return nsp.sockets.size > 0;
  const members = nsp.adapter.rooms.get(room);
  if (!members) return false;
  return members.size > (except && members.has(except) ? 1 : 0);
}

/**
 * Whether anyone is in `room` on any process (the Redis adapter asks the others). Used off
 * the hot path only: once per follow-up email about to be sent.
 */
export async function inRoomAnywhere(nsp: Namespace<any, any, any, any>, clustered: boolean, room: string): Promise<boolean> {
  if (!clustered) return hasAudience(nsp, false, room);
  return (await nsp.in(room).fetchSockets()).length > 0;
}
