import { createHash } from 'node:crypto';

/** Hex SHA-1 of a sample's source bytes (the file; for IDX the image's pixel bytes). */
export const sha1Hex = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex');
