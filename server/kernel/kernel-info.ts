/** What the kernel says about itself (`kernel_info_reply.language_info` and friends). */
export interface KernelInfo {
  kernelName: string;
  language: string;
  languageVersion: string;
  fileExtension: string;
  /** `display_name` of the kernel spec, e.g. "Python 3 (sandboxed)". */
  displayName: string;
}
