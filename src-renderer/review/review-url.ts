import { DEFAULT_ISSUE_TYPE, ISSUE_TYPES, type IssueType } from '../../src-shared/domain';
import type { IssueFilter } from './issue-list.svelte';

/** Where the review is: filter, issue set and the issue on screen, as the page URL keeps it across reloads. */
export interface ReviewPlace {
  filter: IssueFilter;
  setId?: number;
  /** Sample index of the issue on screen. */
  at?: number;
}

const STATUSES = ['all', 'decided', 'undecided'] as const;

const int = (v: string | null): number | undefined =>
  v !== null && /^(0|[1-9]\d{0,8})$/.test(v) ? Number(v) : undefined;

/**
 * A label-quality score in [0, 1], as a person types it or `String(number)` writes it (tiny scores come out as
 * `5.2e-8`). A lone `e` (the exclude key typed into the box) or anything else is not a score.
 */
const score = (v: string | null): number | undefined => {
  if (v === null || !/^(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i.test(v)) return undefined;
  const n = Number(v);
  return n >= 0 && n <= 1 ? n : undefined;
};

/** Reads `#/review?type=…&status=…&given=…&suggested=…&min=…&max=…&set=…&at=…`; anything malformed is left out. */
export function placeFromParams(params: URLSearchParams): ReviewPlace {
  const status = params.get('status');
  const filter: IssueFilter = {
    status: (STATUSES as readonly string[]).includes(status ?? '')
      ? (status as IssueFilter['status'])
      : 'all',
  };
  const type = params.get('type');
  if ((ISSUE_TYPES as readonly string[]).includes(type ?? '') && type !== DEFAULT_ISSUE_TYPE)
    filter.type = type as IssueType;
  const given = int(params.get('given'));
  const suggested = int(params.get('suggested'));
  const min = score(params.get('min'));
  const max = score(params.get('max'));
  if (given !== undefined) filter.givenClass = given;
  if (suggested !== undefined) filter.suggestedClass = suggested;
  if (min !== undefined) filter.minQuality = min;
  if (max !== undefined) filter.maxQuality = max;
  const place: ReviewPlace = { filter };
  const set = int(params.get('set'));
  const at = int(params.get('at'));
  if (set !== undefined && set > 0) place.setId = set;
  if (at !== undefined) place.at = at;
  return place;
}

/** The query of a review place, only with what differs from the defaults. */
export function paramsFromPlace(place: ReviewPlace): URLSearchParams {
  const p = new URLSearchParams();
  const f = place.filter;
  if (f.type !== undefined && f.type !== DEFAULT_ISSUE_TYPE) p.set('type', f.type);
  if (f.status !== 'all') p.set('status', f.status);
  if (f.givenClass !== undefined) p.set('given', String(f.givenClass));
  if (f.suggestedClass !== undefined) p.set('suggested', String(f.suggestedClass));
  if (f.minQuality !== undefined) p.set('min', String(f.minQuality));
  if (f.maxQuality !== undefined) p.set('max', String(f.maxQuality));
  if (place.setId !== undefined) p.set('set', String(place.setId));
  if (place.at !== undefined) p.set('at', String(place.at));
  return p;
}

/**
 * A score typed into a filter box: a plain decimal in [0, 1], or empty (no limit). Anything else ("0.1e",
 * "2", "-0") is invalid and must be shown as such, never silently read as "no limit".
 */
export function parseScore(text: string): { ok: true; value: number | undefined } | { ok: false } {
  const t = text.trim();
  if (t === '') return { ok: true, value: undefined };
  const v = score(t);
  return v === undefined ? { ok: false } : { ok: true, value: v };
}
