import { useEffect, useState } from 'preact/hooks';

/**
 * Loads a lazy chunk once `when` turns true and adopts its `css` into the shadow root; null
 * until then (or when it fails to load: the widget works without it).
 */
export function useLazy<M extends { css: string }>(when: boolean, load: () => Promise<M>, adopt: (css: string) => void): M | null {
  const [mod, setMod] = useState<M | null>(null);
  useEffect(() => {
    if (when && !mod)
      load().then((m) => {
        adopt(m.css);
        setMod(m);
      }, () => {});
  }, [when]);
  return mod;
}
