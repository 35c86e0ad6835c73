#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { printSchema } from 'graphql';
import { BootError } from '../boot-error.ts';
import { DATABASE_SHAPE_FILE } from '../db/database-shape.ts';
import { createGateway, type Gateway } from '../gateway.ts';
import { kernelPlugins } from '../kernel-plugins.ts';
import { KERNEL_PLUGINS, resolvePlugins } from '../registry.ts';
import { printFreshDatabaseShape } from './database-shape-command.ts';
import { runDemo } from './demo-command.ts';
import { DEFAULT_CONFIG_FILE, loadConfig, withoutDatabase } from './load-config.ts';

const USAGE = `Usage: npm run gateway -- <command> [options]

Commands:
  start                          serve GraphQL, health and readiness on PORT (default 4000)
  migrate up                     apply pending migrations of every installed plugin
  migrate status                 list applied and pending migrations
  migrate draft                  print the SQL the entities need beyond the migrations (for plugin authors)
  schema print [--out FILE]      write the SDL (default schema/schema.graphql; --out - for stdout)
  schema print-db [--out FILE]   write the database the migrations build (default schema/database.sql)
  plugins                        installed plugins: version, requires, validated options
  keys create-operator [--label] create an operator API key (shown once)
  demo                           a demo merchant, customers, funded wallets and payments (server stopped)

Options:
  --config FILE                  the operator's config (default ${DEFAULT_CONFIG_FILE})
`;

const out = (text: string) => process.stdout.write(`${text}\n`);

/** `--out -` is stdout; anything else a file, which is then named. */
function writeOut(file: string, text: string): void {
  if (file === '-') process.stdout.write(text);
  else {
    writeFileSync(file, text);
    out(`wrote ${file}`);
  }
}

/** Runs a command on the configured database; a database it cannot use stops it with a BootError. */
async function withGateway<T>(
  configFile: string,
  run: (gateway: Gateway) => Promise<T>,
  options = { connect: true },
): Promise<T> {
  const gateway = await createGateway({ ...(await loadConfig(configFile)), log: { level: 'warn' } });
  try {
    if (options.connect) await gateway.database.assertConnected();
    return await run(gateway);
  } finally {
    await gateway.close();
  }
}

async function pluginCommandsUsage(configFile: string): Promise<string> {
  const gateway = await createGateway(withoutDatabase(await loadConfig(configFile)));
  await gateway.close();
  const lines = [...gateway.commands].map(([name, { summary }]) => `  ${name.padEnd(31)}${summary}`);
  return `Commands of the installed plugins:\n${lines.join('\n')}`;
}

/** A command a plugin adds (`ledger verify`), run on the migrated database. */
async function runPluginCommand(
  configFile: string,
  name: string,
  flags: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  return withGateway(
    configFile,
    async (gateway) => {
      const command = gateway.commands.get(name);
      if (!command) {
        process.stderr.write(
          `unknown command: ${name}\n\n${USAGE}\n(\`help\` also lists the installed plugins' commands)\n`,
        );
        return 2;
      }
      await gateway.database.assertConnected();
      await gateway.migrate();
      return command.run({ em: gateway.database.em.fork(), out, flags });
    },
    { connect: false },
  );
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', default: DEFAULT_CONFIG_FILE },
      // Each command has its own default file.
      out: { type: 'string' },
      in: { type: 'string' },
      label: { type: 'string', default: 'operator' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub] = positionals;
  const configFile = values.config;
  switch (values.help ? 'help' : `${command ?? 'help'} ${sub ?? ''}`.trim()) {
    case 'start': {
      const gateway = await createGateway(await loadConfig(configFile));
      const stop = async (signal: string) => {
        gateway.log.info({ signal }, 'shutting down');
        await gateway.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await gateway.start();
      return -1;
    }
    case 'migrate up':
    case 'migrate':
      return withGateway(configFile, async (gateway) => {
        const applied = await gateway.migrate();
        out(
          applied.length
            ? `applied:\n  ${applied.join('\n  ')}`
            : 'nothing to apply: the database is up to date',
        );
        return 0;
      });
    case 'migrate status':
      return withGateway(configFile, async (gateway) => {
        const { executed, pending } = await gateway.database.status();
        out(`applied (${executed.length}):${executed.map((m) => `\n  ${m}`).join('')}`);
        out(`pending (${pending.length}):${pending.map((m) => `\n  ${m}`).join('')}`);
        return 0;
      });
    case 'migrate draft': {
      const gateway = await createGateway(withoutDatabase(await loadConfig(configFile)));
      try {
        await gateway.migrate();
        const sql = await gateway.database.orm.schema.getUpdateSchemaSQL({ wrap: false });
        out(sql.trim() || '-- the migrations already create everything the entities describe');
      } finally {
        await gateway.close();
      }
      return 0;
    }
    case 'schema print': {
      const gateway = await createGateway(withoutDatabase(await loadConfig(configFile)));
      const sdl = `${printSchema(gateway.schema)}\n`;
      await gateway.close();
      writeOut(values.out ?? 'schema/schema.graphql', sdl);
      return 0;
    }
    case 'schema print-db': {
      writeOut(
        values.out ?? DATABASE_SHAPE_FILE,
        await printFreshDatabaseShape(await loadConfig(configFile)),
      );
      return 0;
    }
    case 'plugins': {
      const config = await loadConfig(configFile);
      for (const { definition, options } of resolvePlugins([...kernelPlugins(config), ...config.plugins])) {
        const kernel = KERNEL_PLUGINS.includes(definition.name) ? ' (kernel)' : '';
        out(`${definition.name}@${definition.version}${kernel}`);
        if (definition.description) out(`  ${definition.description}`);
        out(`  requires: ${definition.requires?.join(', ') || '-'}`);
        out(`  options:  ${JSON.stringify(options, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
      }
      return 0;
    }
    case 'keys create-operator':
      return withGateway(configFile, async (gateway) => {
        await gateway.migrate();
        const { apiKey, secret } = await gateway.services.auth.issueOperatorKey(
          gateway.database.em.fork(),
          values.label,
        );
        out(`operator key ${apiKey.id} (${apiKey.label}); it is shown once, store it now:\n${secret}`);
        return 0;
      });
    case 'demo':
      return withGateway(configFile, (gateway) => runDemo(gateway, out));
    case 'help':
      out(USAGE);
      out(await pluginCommandsUsage(configFile));
      return 0;
    default:
      return runPluginCommand(configFile, positionals.join(' '), {
        format: values.format,
        in: values.in,
        out: values.out,
      });
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof BootError ? error.message : (error as Error).stack}\n`);
    process.exit(1);
  },
);
