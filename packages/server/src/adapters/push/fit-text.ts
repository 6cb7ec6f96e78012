/**
 * The longest beginning of `text` (cut at a character, with an ellipsis) for which
 * `size(text)` is at most `max` bytes: providers cap the payload (APNs 4 KB, FCM 4 KB of data)
 * and refuse a request over it, so a long preview is shortened rather than lost. The whole text
 * when it fits; "" when not even the ellipsis does.
 */
export function fitText(text: string, size: (text: string) => number, max: number): string {
  if (size(text) <= max) return text;
  const chars = [...text];
  // Binary search for the most characters that fit: size grows with the number kept.
  let lo = 0;
  let hi = chars.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (size(`${chars.slice(0, mid).join("")}…`) <= max) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best > 0 ? `${chars.slice(0, best).join("")}…` : "";
}
