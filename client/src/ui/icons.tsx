import type { SVGProps } from 'react';

/** A handful of 16 px stroke icons (inline SVG, no icon font). */
const paths = {
  plus: 'M8 3v10M3 8h10',
  pencil: 'M10.5 2.5l3 3L6 13H3v-3z',
  trash: 'M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 8.5h5.6l.7-8.5',
  copy: 'M5.5 5.5h7v7h-7zM3.5 10.5v-7h7',
  check: 'M3 8.5l3 3 7-7',
  play: 'M5 3.5v9l7.5-4.5z',
  stop: 'M4.5 4.5h7v7h-7z',
  bolt: 'M9 2L4 9h4l-1 5 5-7H8z',
  restart: 'M3 8a5 5 0 1 0 1.6-3.7M3 2.5v3h3',
  replayOff: 'M3 8a5 5 0 1 0 1.6-3.7M3 2.5v3h3M2.5 13.5l11-11',
  download: 'M8 2.5v8M4.5 7.5L8 11l3.5-3.5M3 13.5h10',
  chevronDown: 'M4 6l4 4 4-4',
  chevronRight: 'M6 4l4 4-4 4',
  send: 'M2.5 8h10M8.5 3.5L13 8l-4.5 4.5',
  x: 'M4 4l8 8M12 4l-8 8',
  code: 'M6 4.5L2.5 8 6 11.5M10 4.5l3.5 3.5-3.5 3.5',
  chat: 'M3 3.5h10v7H7l-3 2.5v-2.5H3z',
  paperclip: 'M12.5 7.5l-4.8 4.8a3 3 0 0 1-4.2-4.2l5-5a2 2 0 0 1 2.8 2.8l-5 5a1 1 0 0 1-1.4-1.4l4.6-4.6',
  upload: 'M8 11V2.5M4.5 6L8 2.5 11.5 6M3 13.5h10',
  menu: 'M2.5 4h11M2.5 8h11M2.5 12h11',
  more: 'M3 8a1 1 0 1 0 2 0a1 1 0 1 0-2 0M7 8a1 1 0 1 0 2 0a1 1 0 1 0-2 0M11 8a1 1 0 1 0 2 0a1 1 0 1 0-2 0',
  keyboard: 'M1.5 4.5h13v7h-13zM4 7h1M7.5 7h1M11 7h1M5 9.5h6',
  variables: 'M5 2.5C3.5 2.5 3.5 4 3.5 5.5S2.5 8 2.5 8s1 .5 1 2.5 0 3 1.5 3M11 2.5c1.5 0 1.5 1.5 1.5 3s1 2.5 1 2.5-1 .5-1 2.5 0 3-1.5 3M6.5 6l3 4M9.5 6l-3 4',
  undo: 'M5.5 3.5L2.5 6.5l3 3M2.5 6.5h7a3.5 3.5 0 0 1 0 7H7',
  branch: 'M5 2.5v11M5 9.5c0-3 6-2 6-5.5M11 4a1.5 1.5 0 1 0 0-.1',
  share: 'M11.5 4.5a1.5 1.5 0 1 0 0-.1M4.5 8a1.5 1.5 0 1 0 0-.1M11.5 11.5a1.5 1.5 0 1 0 0-.1M6 7.2l4-2M6 8.8l4 2',
} as const;

export type IconName = keyof typeof paths;

export function Icon({ name, ...props }: { name: IconName } & SVGProps<SVGSVGElement>) {
  return (
    <svg
      width="16"
      height="16"
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...props}
    >
      <path d={paths[name]} />
    </svg>
  );
}
