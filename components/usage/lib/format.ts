// The Usage page's figures: hours with two decimals, on one format for server and browser so
// the first render hydrates as is. A figure too small to show says so rather than "0".
const hours = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const counts = new Intl.NumberFormat("en-US");

export function formatHours(h: number): string {
  if (h > 0 && h < 0.005) return "< 0.01";
  return hours.format(h);
}

export const formatCount = (n: number) => counts.format(n);
