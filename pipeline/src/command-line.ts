// The command line's parser and help, built with commander from the one declaration of every
// command and flag (ci/src/core/command-line.ts). It reads words, not meaning: ./options.ts turns
// what it returns into typed options and says what is wrong with them.
import { Command, CommanderError, Option } from 'commander';
import {
  COMMAND_SPECS,
  COMMANDS,
  FLAGS,
  flagName,
  type CommandFlag,
  type CommandName,
  type CommandSpec,
  type FlagName,
  type FlagSpec,
} from '@release-pipeline/core/command-line.js';
import { messageOf, UsageError } from '@release-pipeline/core/errors.js';
import { parseDigestReference, type DigestReference } from '@release-pipeline/core/reference.js';

/** Each flag given, by its declared name: a string, a switch's true, or a repeatable flag's list. */
export type FlagValues = Partial<Record<FlagName, string | true | string[]>>;

export type CommandLine = { command: 'help'; text: string } | { command: CommandName; operands: string[]; flags: FlagValues };

const PROGRAM = 'npm run pipeline --';

const FOOTER = `
Exit status: 0 done; 1 a step or a verification failed (named in one line); 2 a usage error;
130/143 interrupted (everything the run started is stopped first).`;

/** Flags that would put a secret on the command line: refused before anything parses them. */
const SECRET_FLAGS = /^--(password|registry-password|token|identity-token|secret|key-password)/;

function optionFor(f: CommandFlag): Option {
  const name = flagName(f);
  const spec = FLAGS[name];
  const short = 'short' in spec ? `-${spec.short}, ` : '';
  const value = 'value' in spec ? ` <${spec.value}>` : '';
  const option = new Option(`${short}--${name}${value}`, typeof f === 'string' ? spec.help : f[1]);
  if ('repeatable' in spec) option.argParser((v: string, previous: string[] | undefined) => [...(previous ?? []), v]);
  return option;
}

/** Flags that take a value, by every name they are written with. */
const VALUED = new Set(
  (Object.keys(FLAGS) as FlagName[]).flatMap((name) => {
    const spec: FlagSpec = FLAGS[name];
    return spec.value ? [`--${name}`, ...(spec.short ? [`-${spec.short}`] : [])] : [];
  }),
);

/**
 * A flag that takes a value, followed by another flag instead (`--key --skip-tests`): commander
 * would take the flag as the value. Refused, as node's own parser did; `--key=--odd` still works.
 */
function flagWithoutValue(argv: readonly string[]): string | undefined {
  return argv.find((word, i) => VALUED.has(word) && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('-')));
}

/** The whole program: one commander command per declared command, each with its declared flags. */
function program(parsed: (line: CommandLine) => void, out: { text: string }): Command {
  const capture = { writeOut: (s: string) => void (out.text += s), writeErr: (s: string) => void (out.text += s), outputError: () => undefined };
  const root = new Command(PROGRAM)
    .description('Builds, tests, packages, publishes, signs and verifies the service image and its chart.')
    .usage('[COMMAND] [options]')
    .helpOption('-h, --help', 'this text')
    .helpCommand(false)
    .exitOverride()
    .configureOutput(capture)
    .addHelpText('after', FOOTER);
  for (const spec of COMMAND_SPECS as readonly CommandSpec[]) {
    const cmd = root
      .command(spec.name, { isDefault: spec.isDefault ?? false })
      .description(spec.summary)
      .exitOverride()
      .configureOutput(capture)
      .addHelpText('after', FOOTER);
    if (spec.operands) cmd.argument(`[${spec.operands.name}${spec.operands.variadic ? '...' : ''}]`, spec.operands.help);
    for (const f of spec.flags) cmd.addOption(optionFor(f));
    cmd.helpOption('-h, --help', 'this text');
    cmd.action((...args: unknown[]) => {
      const self = args.at(-1) as Command;
      const given = self.opts<Record<string, unknown>>();
      const flags: FlagValues = {};
      for (const f of spec.flags) {
        const name = flagName(f);
        const value = given[self.options.find((o) => o.long === `--${name}`)!.attributeName()];
        if (value !== undefined) flags[name] = value as string | true | string[];
      }
      parsed({ command: spec.name as CommandName, operands: self.args, flags });
    });
  }
  return root;
}

/** A flag's value where it takes one. */
export const flagText = (v: FlagValues[FlagName]): string | undefined => (typeof v === 'string' ? v : undefined);

/** A repeatable flag's values, in the order given. */
export const flagList = (v: FlagValues[FlagName]): string[] => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []);

/** Runs a parse of the core's on a command-line value: its complaint becomes a usage error. */
export function asUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError(messageOf(err), { cause: err });
  }
}

/** A reference given on the command line; a wrong one is a usage error naming it. */
export const digestArgument = (value: string, what: string): DigestReference => asUsage(() => parseDigestReference(value, what));

/** Parses the words of a command line; help is returned as text; a wrong word is a UsageError. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const secret = argv.find((a) => SECRET_FLAGS.test(a));
  if (secret) {
    throw new UsageError(
      `${secret.split('=')[0]} is not accepted: secrets never go on the command line; set REGISTRY_PASSWORD or COSIGN_PASSWORD in the environment`,
    );
  }
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-') && !(COMMANDS as readonly string[]).includes(first)) {
    throw new UsageError(`unknown command "${first}"; one of: ${COMMANDS.join(', ')}`);
  }
  const bare = flagWithoutValue(argv);
  if (bare) throw new UsageError(`${bare} needs a value; see \`${PROGRAM} ${first !== undefined && !first.startsWith('-') ? `${first} ` : ''}--help\``);
  let line: CommandLine | undefined;
  const out = { text: '' };
  try {
    program((l) => (line = l), out).parse([...argv], { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') return { command: 'help', text: out.text };
    const named = first !== undefined && !first.startsWith('-') ? `${first} ` : '';
    // commander's own words, on one line (its "Did you mean …?" comes on a second).
    const said = err.message
      .replace(/^error: /, '')
      .replace(/\s*\n\s*/g, ' ')
      .replace(/\.$/, '');
    throw new UsageError(`${said}; see \`${PROGRAM} ${named}--help\``, { cause: err });
  }
  if (!line) throw new UsageError('nothing to do; see --help');
  return line;
}

/** The help of the whole program, or of one command: what `--help` prints. */
export function helpText(command?: CommandName): string {
  const line = parseCommandLine(command ? [command, '--help'] : ['--help']);
  return line.command === 'help' ? line.text : '';
}
