// Test support: a real HTTP client of a server-sent event stream (fetch with a streaming body, as a browser's
// streaming fetch would read it) that parses messages as they arrive and lets tests wait for one, with a hang guard
// (never a timing assertion).

export interface SseMessage {
  id: string | null;
  event: string;
  data: any;
}

export interface SseStream {
  status: number;
  headers: Headers;
  messages: SseMessage[];
  /** Comment lines (`: …`) received. */
  comments: string[];
  /** Resolves with the first message (in arrival order) that passes `pred`, waiting for it when needed. */
  waitFor(pred: (m: SseMessage) => boolean, what: string, guardMs?: number): Promise<SseMessage>;
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  close(): void;
}

function parseBlock(block: string, stream: { comments: string[]; messages: SseMessage[] }): void {
  let id: string | null = null;
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) stream.comments.push(line.slice(1).trim());
    else if (line.startsWith('id: ')) id = line.slice(4);
    else if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  if (data.length > 0) stream.messages.push({ id, event, data: JSON.parse(data.join('\n')) });
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const stream = {
    status: res.status,
    headers: res.headers,
    messages: [] as SseMessage[],
    comments: [] as string[],
  };
  let wake: () => void = () => undefined;
  let done = false;
  const ended = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          parseBlock(buffer.slice(0, cut), stream);
          buffer = buffer.slice(cut + 2);
        }
        wake();
      }
    } catch {
      // aborted by close()
    } finally {
      done = true;
      wake();
    }
  })();
  return {
    ...stream,
    ended,
    close: () => abort.abort(),
    async waitFor(pred, what, guardMs = 30_000) {
      const deadline = Date.now() + guardMs;
      for (;;) {
        const found = stream.messages.find(pred);
        if (found) return found;
        if (done) throw new Error(`the stream ended before ${what}`);
        if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 200);
        });
      }
    },
  };
}
