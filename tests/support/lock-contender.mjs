// One contender of the lock race test (run-lock-race.test.ts): waits until the agreed moment, tries the run lock
// once and prints one JSON line. If it got the lock, it checks that nobody else is inside, and holds the lock until
// the test creates `releasePath` (once every contender has tried).
import { closeSync, existsSync, openSync, unlinkSync } from 'node:fs';
const [distLock, lockPath, insidePath, goAt, releasePath] = process.argv.slice(2);
const { acquireRunLock } = await import(distLock);
while (Date.now() < Number(goAt)) {
  // Spin: a timer would add milliseconds of jitter, and the point is to start together.
}
let lock;
try {
  lock = acquireRunLock(lockPath);
} catch (error) {
  console.log(JSON.stringify({ won: false, code: error.code ?? 'unknown' }));
  process.exit(0);
}
let overlap = false;
try {
  closeSync(openSync(insidePath, 'wx'));
} catch {
  overlap = true; // someone else holds the lock at the same time
}
console.log(JSON.stringify({ won: true, overlap }));
while (!existsSync(releasePath)) await new Promise((r) => setTimeout(r, 10));
if (!overlap) unlinkSync(insidePath);
lock.release();
