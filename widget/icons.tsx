// Stroke icons (24×24 viewBox), drawn with currentColor.
const icon = (d: string) => () => (
  <svg viewBox="0 0 24 24" aria-hidden="true">
    <path d={d} />
  </svg>
);
export const CloseIcon = icon('M6 6l12 12M18 6L6 18');
export const SendIcon = icon('M5 12h13M13 6l6 6-6 6');
/** A speech bubble with a pause sign: messaging is off. */
export const PauseIcon = icon('M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12zM10 9v6M14 9v6');
