import type { AgentDto } from '../../protocol/agents.js';
import { initialsOf } from '../format.js';

/** Colour classes for initials (no inline styles under the CSP): one of `.av-0` … `.av-7`. */
export const AVATAR_COLORS = 8;

/** An agent's picture, or their initials on their colour. Decorative: the name is always next to it. */
export function Avatar({ agent, size = 'sm' }: { agent: Pick<AgentDto, 'name'> & Partial<Pick<AgentDto, 'avatarUrl' | 'avatarColor'>>; size?: 'sm' | 'lg' }) {
  if (agent.avatarUrl) return <img class={`avatar ${size}`} src={agent.avatarUrl} alt="" />;
  return (
    <span class={`avatar ${size} av-${(agent.avatarColor ?? 0) % AVATAR_COLORS}`} aria-hidden="true">
      {initialsOf(agent.name)}
    </span>
  );
}
