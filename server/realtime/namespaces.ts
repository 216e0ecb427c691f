/** The agents' namespace (console); its events live in protocol/agents.ts. */
export const AGENTS_NAMESPACE = '/agents';
