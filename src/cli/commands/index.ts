// The list of CLI commands. Each command lives in its own module and registers itself on the program.
import type { Command } from 'commander';

export function registerCommands(_program: Command): void {
  // commands are added here as they are built: validate, graph, run, tasks, resume, submit, worker, serve, migrate
}
