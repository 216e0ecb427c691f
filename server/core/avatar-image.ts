import sharp from 'sharp';
import { AVATAR_PIXELS, MAX_AVATAR_BYTES } from '../../protocol/agents.js';
import { ParleyError } from './errors.js';

const FORMATS = new Set(['png', 'jpeg', 'webp', 'gif']);

/**
 * An uploaded picture (base64, optionally a data: URL) as a centred square WebP of
 * AVATAR_PIXELS, base64. Only the first frame of an animation is kept; metadata (EXIF, GPS)
 * is dropped; a picture of more than 40 megapixels is refused before it is decoded.
 */
export async function squareAvatar(upload: string): Promise<string> {
  const bytes = Buffer.from(upload.replace(/^data:image\/[a-z+.-]+;base64,/i, ''), 'base64');
  if (bytes.length === 0) throw new ParleyError('invalid_payload', 'Invalid request: image is empty or not base64.');
  if (bytes.length > MAX_AVATAR_BYTES) throw new ParleyError('payload_too_large', `The picture is larger than ${MAX_AVATAR_BYTES / 1024 / 1024} MB.`);
  try {
    const image = sharp(bytes, { limitInputPixels: 40_000_000, pages: 1 });
    const { format } = await image.metadata();
    if (!format || !FORMATS.has(format)) throw new Error('format');
    const out = await image.rotate().resize(AVATAR_PIXELS, AVATAR_PIXELS, { fit: 'cover', position: 'centre' }).webp({ quality: 82 }).toBuffer();
    return out.toString('base64');
  } catch {
    throw new ParleyError('unsupported_media_type', 'The picture must be a PNG, JPEG, WebP or GIF image.');
  }
}
