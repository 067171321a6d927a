// Asks for the bearer token once per tab: it is kept in sessionStorage until the tab closes, never in a URL.
import { useState } from 'preact/hooks';

interface Props {
  message: string | null;
  onToken: (token: string) => void;
}

export function TokenForm({ message, onToken }: Props) {
  const [value, setValue] = useState('');
  return (
    <main class="page narrow">
      <h1>Tasker</h1>
      <form
        class="card token-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) onToken(value.trim());
        }}
      >
        <p>This server needs a bearer token. It is kept only for this browser tab.</p>
        {message && (
          <p role="alert" class="error">
            {message}
          </p>
        )}
        <label>
          Token
          <input
            type="password"
            name="token"
            autocomplete="off"
            required
            autoFocus
            value={value}
            onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
