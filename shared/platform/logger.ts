/** Structured JSON logs, one line each, as CloudWatch Logs Insights likes them. */
type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
const RANK: Record<Level, number> = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3 };

// LOG_LEVEL (default INFO) is read per line so a local run can quieten handlers it already loaded.
function enabled(level: Level): boolean {
  const threshold = (process.env.LOG_LEVEL?.toUpperCase() ?? 'INFO') as Level;
  return RANK[level] >= (RANK[threshold] ?? RANK.INFO);
}

function write(level: Level, message: string, fields: Record<string, unknown>): void {
  if (!enabled(level)) return;
  const line = JSON.stringify({ level, message, timestamp: new Date().toISOString(), ...fields });
  (level === 'ERROR' ? console.error : console.log)(line);
}

export const log = {
  debug: (message: string, fields: Record<string, unknown> = {}) => write('DEBUG', message, fields),
  info: (message: string, fields: Record<string, unknown> = {}) => write('INFO', message, fields),
  warn: (message: string, fields: Record<string, unknown> = {}) => write('WARN', message, fields),
  error: (message: string, fields: Record<string, unknown> = {}) => write('ERROR', message, fields),
};
