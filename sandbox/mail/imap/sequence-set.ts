// IMAP sequence sets ("1:*", "2,4:7") resolved against a selected-mailbox view of UIDs.

export type Range = [number, number];

export function parseSequenceSet(s: string, max: number): Range[] | undefined {
  const out: Range[] = [];
  for (const part of s.split(",")) {
    const m = /^(\d+|\*)(?::(\d+|\*))?$/.exec(part);
    if (!m) return undefined;
    const a = m[1] === "*" ? max : Number(m[1]);
    const b = m[2] === undefined ? a : m[2] === "*" ? max : Number(m[2]);
    out.push(a <= b ? [a, b] : [b, a]);
  }
  return out;
}

/** Indexes into `uids` (sorted ascending) selected by a UID or sequence-number set. */
export function resolveSet(set: string, uids: number[], byUid: boolean): number[] | undefined {
  if (byUid) {
    const maxUid = uids.length ? uids[uids.length - 1] : 0;
    const ranges = parseSequenceSet(set, maxUid);
    if (!ranges) return undefined;
    const idx = new Set<number>();
    for (const [a, b] of ranges) {
      for (let i = lowerBound(uids, a); i < uids.length && uids[i] <= b; i++) idx.add(i);
    }
    return [...idx].sort((x, y) => x - y);
  }
  const ranges = parseSequenceSet(set, uids.length);
  if (!ranges) return undefined;
  const idx = new Set<number>();
  for (const [a, b] of ranges) {
    if (a < 1) return undefined;
    for (let i = a; i <= Math.min(b, uids.length); i++) idx.add(i - 1);
  }
  return [...idx].sort((x, y) => x - y);
}

export function lowerBound(arr: number[], v: number) {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Compact UID set text for COPYUID/APPENDUID/ESEARCH ("1:3,7"). */
export function compactSet(nums: number[]): string {
  if (!nums.length) return "";
  const parts: string[] = [];
  let start = nums[0];
  let prev = nums[0];
  for (let i = 1; i <= nums.length; i++) {
    const n = nums[i];
    if (n === prev + 1) {
      prev = n;
      continue;
    }
    parts.push(start === prev ? String(start) : `${start}:${prev}`);
    start = prev = n;
  }
  return parts.join(",");
}
