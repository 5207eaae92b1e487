// make lab-up / lab-down / lab-status / lab-exec: a thin command line over client.ts.
import { labDown, labExec, labStatus, labUp, LAB_NODES, type LabNode } from './client.js';

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'up': await labUp(); return 0;
    case 'down': await labDown(); return 0;
    case 'status': process.stdout.write(`${await labStatus()}\n`); return 0;
    case 'exec': {
      const [node, ...args] = rest;
      if (!LAB_NODES.includes(node as LabNode) || args.length === 0) throw new Error('usage: exec a|b -- argv...');
      const r = await labExec(node as LabNode, args[0] === '--' ? args.slice(1) : args);
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      return r.code;
    }
    default:
      process.stderr.write('usage: cli.js up|down|status|exec a|b -- argv...\n');
      return 2;
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: Error) => {
  process.stderr.write(`[lab] ${e.message}\n`);
  process.exitCode = 1;
});
