// Polls a condition until it holds or the time is up (for effects that arrive asynchronously).
export async function waitFor(pred: () => Promise<boolean>, ms = 5000, everyMs = 100): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await pred()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return false;
}
