import type { BlockEventDto } from '../../../protocol/agents.js';

/**
 * One click reverses an automatic block: shown on the block-history entry of a rule's block
 * while it is the block in force (the contact's latest event, still blocked).
 */
export function ReverseBlock({ event, inForce, onUnblock }: { event: BlockEventDto; inForce: boolean; onUnblock: (reason: string) => void }) {
  if (event.actorType !== 'rule' || event.action !== 'block' || !inForce) return null;
  return (
    <button type="button" class="btn reverse-block" onClick={() => onUnblock('Automatic block reversed by an agent.')}>
      Reverse automatic block
    </button>
  );
}
