/** Kept equal to package.json's version by a test; a constant keeps `--version` free of file reads. */
export const VERSION = '0.1.0';
