// Collapsible JSON: a <details> element (keyboard operable without script) holding the pretty-printed value.
interface Props {
  label: string;
  value: unknown;
  open?: boolean;
}

export function JsonView({ label, value, open = false }: Props) {
  const empty = value === null || value === undefined;
  const text = empty ? 'null' : JSON.stringify(value, null, 2);
  const size = empty
    ? 'empty'
    : Array.isArray(value)
      ? `${value.length} items`
      : typeof value === 'object'
        ? `${Object.keys(value as object).length} keys`
        : typeof value;
  return (
    <details class="json" open={open}>
      <summary>
        {label} <span class="muted">({size})</span>
      </summary>
      <pre tabIndex={0}>{text}</pre>
    </details>
  );
}
