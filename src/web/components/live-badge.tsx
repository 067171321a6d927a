// Says how the page stays current: a live event stream, or polling every second.
import type { LiveMode } from '../live.js';

export function LiveBadge({ mode }: { mode: LiveMode }) {
  const text = mode === 'stream' ? 'live' : mode === 'polling' ? 'polling every 1 s' : 'connecting…';
  return (
    <span class={`live live-${mode}`} role="status" data-live={mode}>
      {text}
    </span>
  );
}
