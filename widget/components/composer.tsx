import { useRef } from 'preact/hooks';
import { MAX_BODY_LENGTH } from '../../protocol/limits.js';
import type { Messenger } from '../messenger.js';
import type { Strings } from '../i18n.js';
import { SendIcon } from '../icons.js';

/** Text area + send button. Enter sends, Shift+Enter adds a line. */
export function Composer({ messenger, t }: { messenger: Messenger; t: Strings }) {
  const text = messenger.draft.value;
  const setText = (v: string) => (messenger.draft.value = v);
  const ref = useRef<HTMLTextAreaElement>(null);
  const over = text.length - MAX_BODY_LENGTH;
  const canSend = !!text.trim() && over <= 0;
  const grow = () => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = el.scrollHeight + 'px';
  };
  const send = () => {
    if (canSend && messenger.send(text)) {
      setText('');
      if (ref.current) ref.current.value = '';
      grow();
    }
    ref.current?.focus();
  };
  return (
    <form
      class="c"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <textarea
        ref={ref}
        rows={1}
        value={text}
        placeholder={t.placeholder}
        aria-label={t.placeholder}
        onInput={(e) => {
          setText(e.currentTarget.value);
          messenger.typing(!!e.currentTarget.value);
          grow();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          }
        }}
      />
      {over > -200 && <span class={over > 0 ? 'cnt err' : 'cnt'}>{over > 0 ? `${over} ${t.tooLong}` : -over}</span>}
      <button class="s" type="submit" disabled={!canSend} aria-label={t.send} title={t.send}>
        <SendIcon />
      </button>
    </form>
  );
}
