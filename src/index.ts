export * from './shared/firmware-image';
export * from './fuota/rf-region';
export * from './fuota/fuota-task-start';
export * from './fuota/fuota-task';
