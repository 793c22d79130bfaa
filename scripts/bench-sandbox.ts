// The sandbox for `npm run bench`, in its own process (so its CPU isn't counted against, or shared
// with, the client being measured): starts a seeded sandbox on random ports signed by the test CA,
// prints one `READY {json}` line with its ports and URLs, and stops when its stdin closes.
//   tsx scripts/bench-sandbox.ts
import { startTestSandbox } from "../testing/start-test-sandbox";

const sb = await startTestSandbox();
process.stdout.write(`READY ${JSON.stringify({ ports: sb.ports, urls: sb.urls })}\n`);
const stop = () => void sb.stop().finally(() => process.exit(0));
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.on("SIGTERM", stop);
process.stdin.resume();
