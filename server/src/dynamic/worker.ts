/**
 * Worker-thread entry of the workspace analysis (bundled as its own file; see workspace.ts for how it is found).
 * Messages in: `{ type: 'init', settings }`, `{ type: 'jobs', jobs }`, `{ type: 'finish' }`, `{ type: 'learn', … }`;
 * out: `{ type: 'done', summaries }` after each batch of jobs, `{ type: 'bags', train, heldOut }` after finish,
 * `{ type: 'merges', merges, tokensAfter }` after learn, `{ type: 'error', message }`.
 */
import { parentPort } from 'node:worker_threads';
import { trainMerges } from '../domain/train';
import { ChunkList, type PackedBag } from './bag';
import { FileWorker, type FileJob, type WorkSettings } from './fileWork';

export type WorkerIn =
  | { type: 'init'; settings: WorkSettings }
  | { type: 'jobs'; jobs: FileJob[] }
  | { type: 'finish' }
  /** Learn merges on packed chunks (the fit on all files and the held-out fit, side by side, off the calling thread). */
  | { type: 'learn'; chunks: PackedBag; baseSize: number; maxMerges: number; minFrequency: number };

let worker: FileWorker | undefined;

parentPort?.on('message', (msg: WorkerIn) => {
  try {
    if (msg.type === 'learn') {
      const list = ChunkList.of([msg.chunks]);
      const { merges, stats } = trainMerges(list.chunks, { baseSize: msg.baseSize, merges: msg.maxMerges, minFrequency: msg.minFrequency });
      parentPort!.postMessage({ type: 'merges', merges, tokensAfter: stats.tokensAfter });
    } else if (msg.type === 'init') worker = new FileWorker(msg.settings);
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
