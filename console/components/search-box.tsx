import type { Signal } from '@preact/signals';
import { useRef } from 'preact/hooks';

/** A search field bound to `value`; `search` runs 200 ms after the last keystroke. */
export function SearchBox({ label, placeholder, value, search, class: cls = 'search' }: { label: string; placeholder: string; value: Signal<string>; search: () => void; class?: string }) {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  return (
    <label class={cls}>
      <span class="sr-only">{label}</span>
      <input
        type="search"
        placeholder={placeholder}
        value={value.value}
        onInput={(e) => {
          value.value = e.currentTarget.value;
          clearTimeout(timer.current);
          timer.current = setTimeout(search, 200);
        }}
      />
    </label>
  );
}
