import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { GraphiQLOptions } from 'graphql-yoga';

/**
 * GraphiQL as one page carrying its own scripts, styles and editor workers, so it works on a
 * machine without internet (Yoga's default page loads them from a CDN). The page is about 9 MB
 * of HTML: render it once per set of options rather than per request.
 */
export function offlineGraphiQL(): (options: GraphiQLOptions) => string {
  let rendered: { key: string; html: string } | undefined;
  return (options) => {
    const key = JSON.stringify(options);
    if (rendered?.key !== key) rendered = { key, html: renderGraphiQL(options) };
    return rendered.html;
  };
}

/** What the page starts with: headers stay in the tab (an API key must not land in localStorage). */
export const GRAPHIQL_OPTIONS: GraphiQLOptions = {
  title: 'Micropay gateway',
  shouldPersistHeaders: false,
};
