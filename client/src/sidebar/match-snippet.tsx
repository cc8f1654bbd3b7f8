import { highlightTerms } from './highlight-terms.ts';

/** Text with the words a search matched in `<mark>`: React text nodes only, never the server's text as HTML. */
export function HighlightedText({ text, query, className }: { text: string; query: string; className?: string }) {
  return (
    <span className={className}>
      {highlightTerms(text, query).map((part, index) => (part.match ? <mark key={index}>{part.text}</mark> : part.text))}
    </span>
  );
}

/** The matching piece of a search result, under its title. */
export function MatchSnippet({ text, query }: { text: string; query: string }) {
  return <HighlightedText className="match-snippet" text={text} query={query} />;
}
