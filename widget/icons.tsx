// Stroke icons (24×24 viewBox), drawn with currentColor.
const icon = (d: string) => () => (
  <svg viewBox="0 0 24 24" aria-hidden="true">
    <path d={d} />
  </svg>
);
export const CloseIcon = icon('M6 6l12 12M18 6L6 18');
export const SendIcon = icon('M5 12h13M13 6l6 6-6 6');
/** A list: the visitor's conversations. */
export const ListIcon = icon('M4 6h16M4 12h16M4 18h10');
