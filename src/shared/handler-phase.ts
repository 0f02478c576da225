// Shared by constructs and handler bundles: it must import nothing, or the bundles would carry it.

/** The environment variable that tells a handler function which provider phase it serves. */
export const HANDLER_PHASE_ENV = 'HANDLER_PHASE';
export type HandlerPhase = 'onEvent' | 'isComplete';
