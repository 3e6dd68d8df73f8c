/** A small HTTP server on 127.0.0.1 with the answers a link checker meets in the wild. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LinkServer {
  url: (path: string) => string;
  /** Requests received, as `METHOD /path`. */
  requests: string[];
  close: () => Promise<void>;
}

export async function startLinkServer(): Promise<LinkServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    switch (req.url) {
      case '/ok':
        res.writeHead(200, { 'Content-Type': 'text/html' }).end(req.method === 'HEAD' ? undefined : '<p>ok</p>');
        return;
      case '/missing':
        res.writeHead(404).end();
        return;
      case '/broken':
        res.writeHead(500).end();
        return;
      case '/gone':
        res.writeHead(410).end();
        return;
      case '/no-head':
        // Some servers refuse HEAD but serve the page.
        if (req.method === 'HEAD') res.writeHead(405).end();
        else res.writeHead(200).end('page');
        return;
      case '/moved':
        res.writeHead(301, { Location: '/ok' }).end();
        return;
      case '/to-metadata':
        res.writeHead(302, { Location: 'http://169.254.169.254/latest/meta-data/' }).end();
        return;
      case '/loop':
        res.writeHead(302, { Location: '/loop' }).end();
        return;
      case '/slow':
        // Never answers: the checker's time limit must end the wait.
        return;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
