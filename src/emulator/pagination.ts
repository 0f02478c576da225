/**
 * Offset pagination for the list operations. The token is opaque to callers: it names the listing
 * it belongs to and the offset, so a token from another listing is refused (ValidationException)
 * rather than misread. base64url keeps it within both models' token patterns (Managed
 * Integrations: `^[a-zA-Z0-9=_+/-]+$`). Listings the emulator pages are fixed once a campaign
 * starts, so an offset stays meaningful between pages.
 */
import { validationError } from './errors';

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

/** One page of `items`: `maxResults` of them (0 or undefined: `defaultSize`) from the token's offset. */
export function page<T>(items: readonly T[], maxResults: unknown, nextToken: unknown, listing: string, defaultSize: number): Page<T> {
  const size = (maxResults as number | undefined) || defaultSize;
  let offset = 0;
  if (nextToken !== undefined && nextToken !== '') {
    const decoded = /^(.*)@(\d+)$/s.exec(Buffer.from(String(nextToken), 'base64url').toString('utf8'));
    if (!decoded || decoded[1] !== listing) throw validationError(`NextToken ${nextToken} is not valid for this request`);
    offset = Number(decoded[2]);
  }
  const end = offset + size;
  return {
    items: items.slice(offset, end),
    nextToken: end < items.length ? Buffer.from(`${listing}@${end}`, 'utf8').toString('base64url') : undefined,
  };
}
