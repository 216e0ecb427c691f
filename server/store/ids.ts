import { randomBytes } from 'node:crypto';

const processUnique = randomBytes(5);
let counter = randomBytes(3).readUIntBE(0, 3);

/** A MongoDB ObjectId-shaped id (24 hex chars): time-ordered, unique across processes. */
export function newObjectId(now = Date.now()): string {
  const buf = Buffer.alloc(12);
  buf.writeUInt32BE(Math.floor(now / 1000), 0);
  processUnique.copy(buf, 4);
  counter = (counter + 1) % 0xffffff;
  buf.writeUIntBE(counter, 9, 3);
  return buf.toString('hex');
}
