/** Structured JSON logs, one line each, as CloudWatch Logs Insights likes them. */
function write(level: 'INFO' | 'WARN' | 'ERROR', message: string, fields: Record<string, unknown>): void {
  const line = JSON.stringify({ level, message, timestamp: new Date().toISOString(), ...fields });
  (level === 'ERROR' ? console.error : console.log)(line);
}

export const log = {
  info: (message: string, fields: Record<string, unknown> = {}) => write('INFO', message, fields),
  warn: (message: string, fields: Record<string, unknown> = {}) => write('WARN', message, fields),
  error: (message: string, fields: Record<string, unknown> = {}) => write('ERROR', message, fields),
};
