import { highlightTerms, leadToMatch, type TextPart } from './highlight-terms.ts';

function Parts({ parts, className }: { parts: readonly TextPart[]; className?: string | undefined }) {
  return <span className={className}>{parts.map((part, index) => (part.match ? <mark key={index}>{part.text}</mark> : part.text))}</span>;
}

/** Text with the words a search matched in `<mark>`: React text nodes only, never the server's text as HTML. */
export function HighlightedText({ text, query, className }: { text: string; query: string; className?: string }) {
  return <Parts className={className} parts={highlightTerms(text, query)} />;
}

/** The matching piece of a search result, under its title, starting close to the match. */
export function MatchSnippet({ text, query }: { text: string; query: string }) {
  return <Parts className="match-snippet" parts={leadToMatch(highlightTerms(text, query))} />;
}
