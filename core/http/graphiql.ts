import type { GraphiQLOptions } from 'graphql-yoga';

/**
 * GraphiQL as one page carrying its own scripts, styles and editor workers, so it works on a
 * machine without internet (Yoga's default page loads them from a CDN). The renderer is a 9 MB
 * module: it is loaded when a browser first asks for the page, not at every boot (the CLI's
 * commands create a gateway too), and the page, about 9 MB of HTML, is rendered once per set of
 * options rather than per request.
 */
export function offlineGraphiQL(): (options: GraphiQLOptions) => Promise<string> {
  let rendered: { key: string; html: Promise<string> } | undefined;
  return (options) => {
    const key = JSON.stringify(options);
    if (rendered?.key !== key) {
      const html = import('@graphql-yoga/render-graphiql').then(({ renderGraphiQL }) =>
        renderGraphiQL(options),
      );
      rendered = { key, html };
    }
    return rendered.html;
  };
}

/** What the page starts with: headers stay in the tab (an API key must not land in localStorage). */
export const GRAPHIQL_OPTIONS: GraphiQLOptions = {
  title: 'Micropay gateway',
  shouldPersistHeaders: false,
};
