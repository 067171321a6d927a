// Cross-process wake-ups: the store's dedicated connection LISTENs on the schema's channel (`tasker_ready_<schema>`,
// hashed when longer than 63 bytes; ../sql.ts), to which every transaction that makes steps claimable NOTIFYs
// (transaction.ts notify, create-task.ts createTaskAtOnce, and the completion function). Sent unnamed.
import { statement } from './statement.js';

export const listen = statement('listen', (n) => `LISTEN "${n.channel}"`);
