import { randomBytes } from 'node:crypto';

const processUnique = randomBytes(5).toString('hex');
let counter = randomBytes(3).readUIntBE(0, 3);
// The seconds part, formatted once per second: ids are made on every append, and a Buffer
// per id cost more than the rest of the id.
let second = NaN;
let secondHex = '';

/** A MongoDB ObjectId-shaped id (24 hex chars): time-ordered, unique across processes. */
export function newObjectId(now = Date.now()): string {
  const s = Math.floor(now / 1000);
  if (s !== second) {
    secondHex = s.toString(16).padStart(8, '0');
    second = s;
  }
  counter = (counter + 1) % 0xffffff;
  return secondHex + processUnique + counter.toString(16).padStart(6, '0');
}
