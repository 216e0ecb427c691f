// @vitest-environment happy-dom
// Issue 10, item 6: a visitor's typing or message flood must not make the console re-render
// (and re-parse the markdown of) the whole open thread for every event.
import { signal } from '@preact/signals';
import { h, render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConsoleState, OpenConversation } from '../../console/state.js';
import type { MessageDto } from '../../protocol/types.js';

// Markdown renders per message body; clockTime once per message row rendered.
const rendered = vi.hoisted(() => ({ count: 0, rows: 0 }));
vi.mock('../../widget/markdown.js', async (original) => {
  const real = await original<typeof import('../../widget/markdown.js')>();
  return {
    ...real,
    Markdown: (props: { source: string }) => {
      rendered.count++;
      return real.Markdown(props);
    },
  };
});
vi.mock('../../console/format.js', async (original) => {
  const real = await original<typeof import('../../console/format.js')>();
  return {
    ...real,
    clockTime: (iso: string) => {
      rendered.rows++;
      return real.clockTime(iso);
    },
  };
});
const { ConversationView } = await import('../../console/components/conversation.js');

const tick = () => new Promise((r) => setTimeout(r, 0));
afterEach(() => {
  document.body.innerHTML = '';
  rendered.count = rendered.rows = 0;
});

const message = (i: number): MessageDto => ({
  id: String(i).padStart(24, '0'),
  conversationId: '7',
  clientId: null,
  author: { type: 'lead', id: 'c'.repeat(24) },
  body: `**message ${i}** with a [link](https://example.com/${i}) and \`code\``,
  messageType: 'reply',
  createdAt: new Date(1_700_000_000_000 + i * 1000).toISOString(),
});

function mount(count: number) {
  const typing = signal<ReadonlyMap<string, number>>(new Map());
  const s = { typing, me: { canBlock: false, agent: { id: 'a'.repeat(24) } }, team: signal([]), setState: async () => {}, typingNow() {}, stopTyping() {}, send: async () => true } as unknown as ConsoleState;
  const c = {
    conversation: { id: '7', state: 'open' },
    detail: { contact: { id: 'c'.repeat(24), name: 'Zed', email: null, blocked: false } },
    messages: Array.from({ length: count }, (_, i) => message(i)),
  } as unknown as OpenConversation;
  const root = document.createElement('div');
  document.body.append(root);
  const show = (conv: OpenConversation) => render(h(ConversationView, { s, c: conv, onBlock() {} }), root);
  show(c);
  return { typing, c, root, show };
}

describe('console under a visitor flood', () => {
  it('renders the thread once, not once per typing event', async () => {
    const view = mount(50);
    await tick();
    expect(rendered.count).toBe(50);
    for (let i = 0; i < 200; i++) {
      // Typing in this conversation and in others (every agent hears every visitor's typing).
      view.typing.value = new Map([[i % 2 ? '7' : String(100 + i), Date.now() + 8000]]);
      if (i % 10 === 0) await tick();
    }
    view.typing.value = new Map([['7', Date.now() + 8000]]);
    await tick();
    expect(view.root.querySelector('.typing')?.textContent).toContain('Zed is typing');
    expect(rendered.rows).toBe(50);
    expect(rendered.count).toBe(50);
  });

  it('parses only the new message\'s markdown when one arrives', async () => {
    const view = mount(50);
    await tick();
    view.show({ ...view.c, messages: [...view.c.messages, message(50)] });
    await tick();
    expect(view.root.querySelectorAll('.msg')).toHaveLength(51);
    expect(rendered.count).toBe(51);
  });
});
