export * from './commands';
export * from './decide';
export * from './final-shares';
export * from './state';
export * from './history';
