/**
 * Worker-thread entry of the workspace analysis (bundled as its own file; see workspace.ts for how it is found).
 * Messages in: `{ type: 'init', settings }`, `{ type: 'jobs', jobs }`, `{ type: 'finish' }`; out: `{ type: 'done',
 * summaries }` after each batch of jobs, `{ type: 'bags', train, heldOut }` after finish, `{ type: 'error', message }`.
 */
import { parentPort } from 'node:worker_threads';
import { FileWorker, type FileJob, type WorkSettings } from './fileWork';

export type WorkerIn = { type: 'init'; settings: WorkSettings } | { type: 'jobs'; jobs: FileJob[] } | { type: 'finish' };

let worker: FileWorker | undefined;

parentPort?.on('message', (msg: WorkerIn) => {
  try {
    if (msg.type === 'init') worker = new FileWorker(msg.settings);
    else if (msg.type === 'jobs') parentPort!.postMessage({ type: 'done', summaries: msg.jobs.map((j) => worker!.run(j)) });
    else {
      const train = worker!.train.pack();
      const heldOut = worker!.heldOut.pack();
      const transfer = [train.ids.buffer, train.lengths.buffer, train.counts.buffer, heldOut.ids.buffer, heldOut.lengths.buffer, heldOut.counts.buffer];
      parentPort!.postMessage({ type: 'bags', train, heldOut }, transfer as ArrayBuffer[]);
    }
  } catch (e) {
    parentPort!.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
});
