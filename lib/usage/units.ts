// Usage figures written exactly in the report's units, for the CSV: a sum in milliseconds is
// a whole number of thousandths of a second, and MiB-ms / 1,024,000 (= 2^13 × 5^3) always
// ends within 13 decimal places, so each figure is a finite decimal and written in full.
import type { UsageFigures } from "./usage-report";

/** `n / 10^places` written exactly, without trailing zeros ("1.5", "0.001", "-2"). */
function shift(n: bigint, places: number): string {
  const negative = n < 0n;
  const digits = (negative ? -n : n).toString().padStart(places + 1, "0");
  const whole = digits.slice(0, digits.length - places);
  const fraction = digits.slice(digits.length - places).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** A whole number of milliseconds as seconds. */
export function exactSeconds(ms: bigint): string {
  return shift(ms, 3);
}

/** MiB-milliseconds as GiB-seconds (÷ 1,024 ÷ 1,000), exactly. */
export function exactGiBSeconds(mibMs: bigint): string {
  // ÷ 1,024,000 = × 5^10 ÷ 10^13 (1,024,000 × 9,765,625 = 10^13).
  return shift(mibMs * 9_765_625n, 13);
}

/**
 * vCPU-milliseconds (a double: vcpus is fractional) as vCPU-seconds: the double's own decimal
 * digits moved three places. A sum of quarter-vCPU reservations is a multiple of 0.25, which
 * prints exactly.
 */
export function exactVcpuSeconds(vcpuMs: number): string {
  const text = String(vcpuMs);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return String(vcpuMs / 1000); // exponent notation: beyond any real figure
  const [, sign, whole, fraction = ""] = match;
  const scale = fraction.length;
  return `${sign}${shift(BigInt(`${whole}${fraction}`), scale + 3)}`.replace(/^-0$/, "0");
}

/** The three figures of a row, exactly, in the CSV's units. */
export function exactFigures(f: UsageFigures) {
  return {
    vcpuSeconds: exactVcpuSeconds(f.vcpuMs),
    memoryGiBSeconds: exactGiBSeconds(f.memoryMiBMs),
    gpuSeconds: exactSeconds(f.gpuMs),
  };
}
