/** A tiny in-memory GitHub issue-comments API behind nock: state survives between Action runs. */
import nock from 'nock';
import { fetchStyle } from '../../providers/__testing__/nock.test-helper.js';
import { API } from './harness.js';

export interface StoredComment {
  id: number;
  body: string;
  user: { login: string; type: 'User' | 'Bot' };
}

export interface Request {
  method: string;
  path: string;
  authorization?: string;
  body?: { body?: string };
}

export interface FakeGitHub {
  comments: StoredComment[];
  requests: Request[];
}

const PER_PAGE = 100;

/**
 * `filler` human comments come first, so finding ours needs the second page. `deny` answers 403 with
 * GitHub's text for a read-only token to every request of those methods.
 */
export function fakeGitHub(
  opts: {
    owner?: string;
    repo?: string;
    number?: number;
    filler?: number;
    deny?: ('GET' | 'POST' | 'PATCH')[];
  } = {},
): FakeGitHub {
  const base = `/repos/${opts.owner ?? 'acme-corp'}/${opts.repo ?? 'website'}/issues`;
  const number = opts.number ?? 42;
  const state: FakeGitHub = { comments: [], requests: [] };
  for (let i = 0; i < (opts.filler ?? 0); i++)
    state.comments.push({ id: 500 + i, body: `comment ${i}`, user: { login: 'alice', type: 'User' } });
  let nextId = 9001;
  const denied = (m: string): [number, object] | undefined =>
    opts.deny?.includes(m as 'GET')
      ? [403, { message: 'Resource not accessible by integration', status: '403' }]
      : undefined;
  /** Reply functions see the request as a fetch Request (fetchStyle). */
  const record = async (req: globalThis.Request): Promise<{ path: string; body?: { body: string } }> => {
    const url = new URL(req.url);
    const text = req.method === 'GET' ? '' : await req.text();
    const body = text ? (JSON.parse(text) as { body: string }) : undefined;
    const path = url.pathname + url.search;
    const authorization = req.headers.get('authorization') ?? undefined;
    state.requests.push({ method: req.method, path, authorization, body });
    return { path, body };
  };

  nock(API)
    .persist()
    .get(`${base}/${number}/comments`)
    .query(true)
    .reply(
      fetchStyle(async (req: globalThis.Request) => {
        const { path } = await record(req);
        const d = denied('GET');
        if (d) return d;
        const url = new URL(path, API);
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        const items = state.comments.slice((page - 1) * perPage, page * perPage);
        const headers: Record<string, string> = {};
        if (page * perPage < state.comments.length) {
          headers['link'] =
            `<${API}${base}/${number}/comments?per_page=${perPage}&page=${page + 1}>; rel="next"`;
        }
        return [200, items, headers];
      }),
    )
    .post(`${base}/${number}/comments`)
    .reply(
      fetchStyle(async (req: globalThis.Request) => {
        const { body } = await record(req);
        const d = denied('POST');
        if (d) return d;
        const c: StoredComment = {
          id: nextId++,
          body: body!.body,
          user: { login: 'github-actions[bot]', type: 'Bot' },
        };
        state.comments.push(c);
        return [
          201,
          { ...c, html_url: `https://github.com/acme-corp/website/pull/${number}#issuecomment-${c.id}` },
        ];
      }),
    )
    .patch(new RegExp(`^${base}/comments/\\d+$`))
    .reply(
      fetchStyle(async (req: globalThis.Request) => {
        const { path, body } = await record(req);
        const d = denied('PATCH');
        if (d) return d;
        const id = Number(path.split('/').pop());
        const c = state.comments.find((x) => x.id === id);
        if (!c) return [404, { message: 'Not Found' }];
        c.body = body!.body;
        return [
          200,
          { ...c, html_url: `https://github.com/acme-corp/website/pull/${number}#issuecomment-${id}` },
        ];
      }),
    );
  return state;
}

export { PER_PAGE };
