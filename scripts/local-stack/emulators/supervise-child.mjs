// Runs one command and kills it when our parent goes away: the parent holds our stdin open, so its
// end (parent exited, even by SIGKILL) is the signal. Used for DynamoDB Local, a JVM that has no
// such watch of its own and would otherwise outlive a killed test run.
// Usage: node supervise-child.mjs <command> [args...]   (cwd and env are passed through)
import { spawn } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write('supervise-child: no command given\n');
  process.exit(2);
}

const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), 2000).unref();
};

child.on('error', (error) => {
  process.stderr.write(`supervise-child: cannot run ${command}: ${error.code ?? error.message}\n`);
  process.exit(error.code === 'ENOENT' ? 127 : 126);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('SIGHUP', stop);
