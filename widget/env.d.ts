/** File name of the app chunk, injected by widget/build-target.mjs into the loader. */
declare const __PARLEY_APP__: string;
