// Instants written in a given IANA zone, as "2026-12-07 09:30:00 EST". Used by the server
// (the schedule's zone and UTC) and by the browser (the viewer's own zone) alike, so the three
// columns of a schedule's next fire times read the same way.
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** `ms` in `timeZone`; falls back to UTC for a zone this runtime does not know. */
export function timeIn(ms: number, timeZone: string): string {
  let format: Intl.DateTimeFormat;
  try {
    format = formatFor(timeZone);
  } catch {
    format = formatFor("UTC");
  }
  const part: Record<string, string> = {};
  for (const p of format.formatToParts(new Date(ms))) part[p.type] = p.value;
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second} ${part.timeZoneName}`;
}

export const timeInUtc = (ms: number) => timeIn(ms, "UTC");

/** Time zones offered in the create form's list; any IANA name may be typed. */
export const COMMON_TIME_ZONES = [
  "UTC",
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Los_Angeles",
  "America/Sao_Paulo",
  "Europe/London",
  "Europe/Paris",
  "Europe/Berlin",
  "Africa/Johannesburg",
  "Asia/Dubai",
  "Asia/Kolkata",
  "Asia/Singapore",
  "Asia/Shanghai",
  "Asia/Tokyo",
  "Australia/Sydney",
  "Pacific/Auckland",
] as const;

export const MISSED_FIRE_LABELS: Record<string, string> = {
  LATEST: "Run the latest missed fire once",
  SKIP: "Skip missed fires",
};

export const OVERLAP_LABELS: Record<string, string> = {
  ALLOW: "Allow overlapping jobs",
  SKIP: "Skip while the previous job is unfinished",
};
