import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Sizes of one file: raw, gzip -9 and brotli q11, the way a CDN would serve it. */
export function sizes(buf) {
  return {
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}
