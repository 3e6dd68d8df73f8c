/**
 * E-step worker thread: hands each message to its shard's handler (shard-handler.ts) and posts the replies.
 * Loaded by the threaded runner in this folder, with its data (workerData) or without it (a thread started
 * ahead, startThreads: the data comes in a 'setup' message).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerMessage, WorkerSetup } from './protocol';
import { createShardHandler } from './shard-handler';

const port = parentPort;
if (port === null) throw new Error('the E-step worker must run in a worker thread');
const handle = createShardHandler(workerData === null || workerData === undefined ? null : (workerData as WorkerSetup));
port.on('message', (message: WorkerMessage) => handle(message, (reply, transfer) => port.postMessage(reply, transfer ?? [])));
