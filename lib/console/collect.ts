// Console lists show every resource of a kind; the backend answers in AWS-sized pages.
// Compute environments and queues are capped at 50 per organization, so this reads one or two
// pages; job definitions can be many, hence the page cap and the `truncated` flag the page
// shows rather than silently stopping.
export async function collectPages<T>(
  read: (nextToken: string | undefined) => Promise<{ items: T[]; nextToken?: string }>,
  maxPages = 20,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let token: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const result = await read(token);
    items.push(...result.items);
    token = result.nextToken;
    if (!token) return { items, truncated: false };
  }
  return { items, truncated: true };
}
