/** The pages of the app, addressed by hash routes (`#/review`, `#/review?help`). */
export const routes = ['projects', 'dataset', 'train', 'review', 'results'] as const;
export type RouteName = (typeof routes)[number];

export interface Route {
  name: RouteName | null;
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  const q = path.indexOf('?');
  const name = (q < 0 ? path : path.slice(0, q)).replace(/\/+$/, '');
  const params = new URLSearchParams(q < 0 ? '' : path.slice(q + 1));
  return { name: (routes as readonly string[]).includes(name) ? (name as RouteName) : null, params };
}

/** The query each page last had (the review's filters and position), so coming back opens the same place. */
const lastQuery = new Map<RouteName, string>();

export function rememberQuery(name: RouteName, query: string): void {
  lastQuery.set(name, query);
}

/** The hash of a page with a query (none when empty). */
const hashOf = (name: RouteName, query: string | undefined): string => `#/${name}${query ? `?${query}` : ''}`;

export function hrefOf(name: RouteName): string {
  return hashOf(name, lastQuery.get(name));
}

/** Where a project should open: the review when there is something to review, else the next step. */
export function defaultRoute(info: {
  dataset: unknown;
  latestCvRunId: number | null;
  issueSet: unknown;
}): RouteName {
  if (info.issueSet) return 'review';
  if (!info.dataset) return 'projects';
  return 'train';
}

/**
 * The hash a page writes to keep its place in the URL, or null when it must not write: when the URL already
 * says so, or when it has left the page (a navigation whose hashchange is not handled yet must win over a
 * page that is about to be unmounted).
 */
export function placeHash(name: RouteName, query: string, currentHash: string): string | null {
  if (parseHash(currentHash).name !== name) return null;
  const hash = hashOf(name, query);
  return hash === currentHash ? null : hash;
}
