/** Returns why `root`'s dist/ needs building, or null when it is up to date. */
export function staleReason(root: string): string | null;
