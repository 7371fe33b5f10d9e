/**
 * `npm start -- [--port 3000] [--data-dir .data] [--now <ISO-8601>] [--log-requests] [--quiet]`
 *
 * Runs the whole system locally (see local/stack.ts) until Ctrl-C / SIGTERM, then stops
 * everything it started and exits 0. Problems it can explain (port in use, data directory
 * not writable or already in use, bad flag) are printed as one line, with exit code 1.
 *
 * `--now` starts the virtual clock at that instant; it is not persisted, so every start
 * begins at `--now` or at real time. The yearly workflow's executions are kept in the data
 * directory: those that were running resume at the start, and their waits follow the clock.
 * `--log-requests` prints one line per request (off by default: a console nobody reads,
 * such as an undrained pipe, must not stall the server).
 * `--quiet` prints only the ready line.
 */
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultCalendar, isWithinWindow, windowClosesAt } from '../../shared/domain/calendar';
import { toPerMille } from '../../shared/domain/per-mille';
import { municipalitiesOf } from '../../shared/reference';
import { LocalStackError } from '../emulators/errors';
import { exampleShares } from './example-data';
import { DEFAULT_DATA_DIR, DEFAULT_PORT, PROJECT_ROOT, startLocalStack, type LocalStack } from '../stack';
import { ensureWebBuilt } from './web';

const USAGE = 'Användning: npm start -- [--port 3000] [--data-dir .data] [--now 2027-09-01T08:00:00Z] [--log-requests] [--quiet]';

interface Flags {
  port: number;
  dataDir: string;
  now?: string;
  quiet: boolean;
  logRequests: boolean;
}

export function parseFlags(argv: string[]): Flags | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', short: 'p' },
        'data-dir': { type: 'string' },
        now: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        'log-requests': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new LocalStackError('BAD_ARGUMENT', `${(error as Error).message}. ${USAGE}`);
  }
  if (values.help) return 'help';
  const portText = (values.port as string | undefined) ?? String(DEFAULT_PORT);
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new LocalStackError('BAD_ARGUMENT', `Ogiltig port "${portText}": ange ett heltal 0–65535.`);
  return {
    port,
    dataDir: (values['data-dir'] as string | undefined) ?? DEFAULT_DATA_DIR,
    ...(values.now !== undefined && { now: values.now as string }),
    quiet: Boolean(values.quiet),
    logRequests: Boolean(values['log-requests']),
  };
}

/** The ready banner: the API URL first (tools wait for `http://127.0.0.1:<port>`), then how to try it. */
export function banner(stack: LocalStack, dataDirFlag: string): string {
  const fromCwd = relative(process.cwd(), stack.dataDir);
  const dataDisplay = fromCwd.startsWith('..') ? stack.dataDir : fromCwd || '.';
  const clockLine = stack.clock.virtual
    ? `${stack.clock.nowIso()} (virtuell; flytta framåt med POST ${stack.apiUrl}/_local/clock)`
    : `${stack.clock.nowIso()} (verklig tid; flytta framåt med POST ${stack.apiUrl}/_local/clock)`;
  return [
    `Omfördelning kör lokalt på ${stack.apiUrl}  (klar efter ${(stack.startupMs / 1000).toFixed(1)} s)`,
    `  Webbapp:  ${stack.apiUrl}/  (logga in som en exempelkommun, ett län eller en administratör)`,
    `  API:      ${stack.apiUrl}/v1/health  ·  ${stack.routes.length} rutter ur CDK-mallen (${stack.apiUrl}/_local/routes)`,
    `  E-post:   ${stack.sesUrl}/  (varje skickat e-brev)`,
    `  Klocka:   ${clockLine}`,
    ...workflowLines(stack),
    `  Data:     ${dataDisplay}/  (DynamoDB i dynamodb/, signeringsnyckel i jwt-key.json)`,
    '',
    example(stack, dataDirFlag),
    '',
    'Stoppa med Ctrl-C.',
  ].join('\n');
}

/**
 * The yearly workflow: the template's state machine runs locally behind a Step Functions
 * endpoint; its waits follow the virtual clock (moving it makes due milestones happen).
 */
export function workflowLines(stack: LocalStack): string[] {
  const sf = stack.stepFunctions;
  if (!sf) return ['  Årsflöde: mallen har ingen tillståndsmaskin'];
  const running = sf.executions().filter((e) => e.status === 'RUNNING').map((e) => e.name);
  return [
    `  Årsflöde: ${sf.endpoint}  (tillståndsmaskinen ur CDK-mallen, Step Functions lokalt; väntar på klockan)`,
    `            ${running.length > 0 ? `körs: ${running.join(', ')}` : 'inget år körs'}; starta ett år med POST ${stack.apiUrl}/v1/years/<år>/cycle (admin)`,
  ];
}

/** A copy-pasteable walk-through for one county, adapted to where the clock stands. */
export function example(stack: LocalStack, dataDirFlag: string): string {
  const now = stack.clock.nowIso();
  const { year, moveTo } = exampleYear(now);
  const county = '03'; // Uppsala län
  const code = (name: string) => municipalitiesOf(county).find((m) => m.name === name)!.code;
  const [giver, receiver] = [code('Tierp'), code('Uppsala')];
  const all = exampleShares();
  const shares = municipalitiesOf(county).map((m) => ({ municipality: m.code, perMille: toPerMille(all[m.code]!) }));
  const giverShare = shares.find((s) => s.municipality === giver)!.perMille;
  const amount = Math.min(0.5, Math.floor(giverShare * 500) / 1000);
  const deadline = defaultCalendar(year).deadline;
  const afterDeadline = new Date(Date.parse(windowClosesAt(defaultCalendar(year))) + 60_000).toISOString().replace('.000Z', 'Z');
  const dataArg = dataDirFlag === DEFAULT_DATA_DIR ? '' : ` --data-dir ${shellQuote(dataDirFlag)}`;
  const token = (args: string) => `$(npm run -s token -- ${args}${dataArg})`;
  const json = `-H 'content-type: application/json'`;
  const lines = [
    'Prova så här i en annan terminal, i projektkatalogen (bash/zsh):',
    '',
    `  API=${stack.apiUrl}`,
    `  ADMIN=${token('--role admin')}`,
    `  TIERP=${token(`--role municipality --municipality ${giver}`)}`,
    `  UPPSALA=${token(`--role municipality --municipality ${receiver}`)}`,
    `  LAN=${token(`--role county --county ${county}`)}`,
    '',
  ];
  if (moveTo) {
    lines.push(
      `  # Klockan står utanför inlämningsperioden för andelsår ${year}: flytta den framåt (den går aldrig bakåt)`,
      `  curl -s -X POST $API/_local/clock ${json} -d '{"now":"${moveTo}"}'; echo`,
      '',
    );
  }
  lines.push(
    `  # 1. Admin importerar preliminära andelar för Uppsala län (${county}), andelsår ${year}`,
    `  curl -s -X PUT $API/v1/years/${year}/shares -H "authorization: Bearer $ADMIN" ${json} -d '${JSON.stringify({ shares })}'; echo`,
    `  # 2. Tierp (${giver}) föreslår att ge ${amount} ‰ till Uppsala (${receiver})`,
    `  curl -s -X POST $API/v1/years/${year}/proposals -H "authorization: Bearer $TIERP" ${json} -d '${JSON.stringify({ receiver, perMille: amount })}'; echo`,
    `  # 3. Uppsala samtycker`,
    `  curl -s -X POST $API/v1/years/${year}/proposals/${giver}/consent -H "authorization: Bearer $UPPSALA" ${json} -d '{"accept":true}'; echo`,
    `  # 4. Länsstyrelsen ser förslaget och andelarna`,
    `  curl -s $API/v1/years/${year}/proposals -H "authorization: Bearer $LAN"; echo`,
    `  curl -s "$API/v1/years/${year}/shares?county=${county}" -H "authorization: Bearer $LAN"; echo`,
    `  # 5. Klockan flyttas förbi sista dag för förslag (${deadline}); Länsstyrelsen godkänner`,
    `  curl -s -X POST $API/_local/clock ${json} -d '{"now":"${afterDeadline}"}'; echo`,
    `  curl -s -X POST $API/v1/years/${year}/proposals/${giver}/decision -H "authorization: Bearer $LAN" ${json} -d '{"outcome":"APPROVED"}'; echo`,
    `  # 6. E-posten som skickades (förslag, samtycke, beslut): öppna ${stack.sesUrl}/`,
  );
  return lines.join('\n');
}

/** The share year whose submission window is open now, or the next one and when it opens. */
export function exampleYear(nowIso: string): { year: number; moveTo?: string } {
  const thisYear = new Date(nowIso).getUTCFullYear();
  for (const year of [thisYear + 1, thisYear + 2]) {
    const calendar = defaultCalendar(year);
    if (isWithinWindow(calendar, nowIso)) return { year };
    if (nowIso < calendar.publishAt) {
      // A day after publishing, at 10:00 UTC: safely inside the window.
      const day = new Date(Date.parse(calendar.publishAt) + 86_400_000).toISOString().slice(0, 10);
      return { year, moveTo: `${day}T10:00:00Z` };
    }
  }
  return { year: thisYear + 2 };
}

function shellQuote(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

async function main(): Promise<void> {
  // The SDK's Node 20 deprecation notice is noise in a local console (package.json sets it too).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const flags = parseFlags(process.argv.slice(2));
  if (flags === 'help') {
    console.log(USAGE);
    return;
  }
  process.on('unhandledRejection', (error) => {
    // A handler's stray promise must not take the whole local stack down; show it instead.
    console.error(JSON.stringify({ level: 'ERROR', message: 'unhandled rejection', error: String((error as Error)?.stack ?? error) }));
  });
  // Signals count from the start: Ctrl-C while starting stops what has started so far.
  let stack: LocalStack | undefined;
  let stopping: string | undefined;
  const stopAndExit = (running: LocalStack) =>
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`Kunde inte stoppa allt: ${String((error as Error)?.message ?? error)}`);
        process.exit(1);
      },
    );
  const shutdown = (signal: string) => {
    if (stopping) {
      console.error(`${signal} igen: avslutar direkt.`);
      process.exit(130);
    }
    stopping = signal;
    console.log(`\n${signal}: stoppar den lokala stacken …`);
    if (stack) void stopAndExit(stack);
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  // The web app is served from web/dist: build it first when it is missing or older than its sources.
  await ensureWebBuilt(PROJECT_ROOT, flags.quiet ? () => {} : (line) => console.log(line));
  stack = await startLocalStack({
    port: flags.port,
    dataDir: flags.dataDir,
    ...(flags.now && { now: flags.now }),
    quiet: flags.quiet,
    accessLog: flags.logRequests,
  });
  if (stopping) return void stopAndExit(stack);
  console.log(flags.quiet ? `Omfördelning kör lokalt på ${stack.apiUrl}` : banner(stack, flags.dataDir));
}

const isEntry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isEntry) {
  main().catch((error: unknown) => {
    if (error instanceof LocalStackError) console.error(error.message);
    else console.error(`Den lokala stacken kunde inte starta: ${String((error as Error)?.stack ?? error)}`);
    process.exit(1);
  });
}
