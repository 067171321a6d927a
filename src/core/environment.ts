// The environment variables Tasker reads, in one table, and the one place that reads them: the option resolver
// (src/engine/options.ts), `defineTask` (the template environment) and `tasker/api` (the tokens file) all come here,
// so `process.env` is read nowhere else but in the CLI. Every variable is listed in README.md ("Configuration").

/** Each variable Tasker reads, with the option it stands in for. */
export const TASKER_VARIABLES = {
  TASKER_DATABASE_URL: 'the store URL, when `db` (--db) is not given',
  TASKER_LOG_LEVEL: 'the log level, when neither `logger`, `logLevel` nor --log-level is given',
  TASKER_LOG_FORMAT:
    'the log format (json, pretty or auto), when neither `logger`, `logFormat` nor --log-format is given',
  TASKER_STEP_TIMEOUT_MS: 'the default step timeout, when `stepTimeoutMs` (--step-timeout) is not given',
  TASKER_ENV: 'the environment whose template overrides apply, when `env` (--env) is not given',
  NODE_ENV: 'the same, when TASKER_ENV is not set either',
  TASKER_AUTH_TOKENS_FILE: "tasker/api's tokens file, when createApiServer's `auth` (--auth-tokens) is not given",
} as const;

export type TaskerVariable = keyof typeof TASKER_VARIABLES;

/** An environment to read: `process.env` unless a caller (a test, an embedding program) passes its own. */
export type EnvironmentSource = Readonly<Record<string, string | undefined>>;

/** Any variable by name, as set (a tokens file's `jwt.secret_env`, kept byte for byte); empty counts as unset. */
export function environmentVariable(name: string, env: EnvironmentSource = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** Tasker's variables that are set, trimmed; an empty or blank value counts as unset. */
export function readEnvironment(env: EnvironmentSource = process.env): Partial<Record<TaskerVariable, string>> {
  const out: Partial<Record<TaskerVariable, string>> = {};
  for (const name of Object.keys(TASKER_VARIABLES) as TaskerVariable[]) {
    const value = env[name]?.trim();
    if (value !== undefined && value !== '') out[name] = value;
  }
  return out;
}

/** The environment whose template overrides apply when none is named: TASKER_ENV, else NODE_ENV. */
export function templateEnvironment(env: EnvironmentSource = process.env): string | undefined {
  const vars = readEnvironment(env);
  return vars.TASKER_ENV ?? vars.NODE_ENV;
}
