/** The architecture report: in dist/ but outside every app folder, so Argo CD never reads it. */
export const REPORT_FILE = 'dist/README.md';

/** The folders synthesis owns: replaced as a whole on every run. */
export const OUTPUT_DIRS = ['dist', 'argocd'];
