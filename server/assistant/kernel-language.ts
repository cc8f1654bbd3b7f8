import type { KernelInfo } from '../kernel/kernel-info.ts';

/** How code in the kernel's language is written in Markdown fences. */
export interface FenceLanguage {
  /** The tag the assistant writes, e.g. `python`. */
  tag: string;
  /** Lower-case info strings that mean "run this" (`python`, `py`, …). */
  runnableTags: ReadonlySet<string>;
  /** Whether an untagged fence runs too (only for Python, the common case). */
  untaggedRuns: boolean;
}

export function fenceLanguage(info: Pick<KernelInfo, 'language' | 'fileExtension'>): FenceLanguage {
  const language = info.language.trim().toLowerCase() || 'python';
  const extension = info.fileExtension.replace(/^\./, '').toLowerCase();
  const tags = new Set([language]);
  if (extension) tags.add(extension);
  const isPython = language === 'python';
  if (isPython) for (const tag of ['py', 'python3', 'ipython', 'ipython3']) tags.add(tag);
  return { tag: language, runnableTags: tags, untaggedRuns: isPython };
}

/** "Python 3.12.4", "R 4.3.1", … */
export function languageLabel(info: Pick<KernelInfo, 'language' | 'languageVersion'>): string {
  const name = info.language ? info.language[0]!.toUpperCase() + info.language.slice(1) : 'Python';
  return info.languageVersion ? `${name} ${info.languageVersion}` : name;
}
