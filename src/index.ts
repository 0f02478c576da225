export * from './shared/firmware-image';
export * from './fuota/rf-region';
export * from './fuota/fuota-task-start';
export * from './fuota/fuota-task';
export * from './ota/ota-enums';
export * from './ota/ota-job-document';
export * from './ota/ota-task-configuration';
export * from './ota/ota-task';
