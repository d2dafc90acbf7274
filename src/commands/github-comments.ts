/**
 * The three calls of GitHub's REST API the preview comment needs (list an issue's comments page by page, create one,
 * update one), over the project's own HTTP client: the proxy, retries and token masking of every other call, and
 * no SDK in the bundle for three requests.
 */
import { z } from 'zod';
import { HttpClient, nextPage } from '../http.js';

const IssueComment = z.object({
  id: z.number(),
  body: z.string().nullish(),
  user: z.object({ type: z.string().optional() }).nullish(),
});
export type IssueComment = z.infer<typeof IssueComment>;

export interface IssueRef {
  readonly owner: string;
  readonly repo: string;
  readonly number: number;
}

export class GitHubComments {
  private readonly http: HttpClient;
  private readonly headers: Readonly<Record<string, string>>;

  constructor(token: string, apiUrl: string, env: Readonly<Record<string, string | undefined>>) {
    this.http = new HttpClient({ baseUrl: apiUrl.replace(/\/+$/, ''), secrets: () => [token], env });
    this.headers = { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
  }

  /** Every comment of the issue (or pull request), following the pages GitHub's Link header names. */
  async list(issue: IssueRef): Promise<IssueComment[]> {
    const all: IssueComment[] = [];
    let url: string | undefined = `/repos/${enc(issue.owner)}/${enc(issue.repo)}/issues/${issue.number}/comments?per_page=100`;
    // Bounded like the registry's tag list: a Link header that never ends cannot hold the command forever.
    for (let page = 0; url && page < MAX_PAGES; page += 1) {
      const answer = await this.http.request({ method: 'GET', url, headers: this.headers, what: `list the comments of #${issue.number}` });
      all.push(...answer.json(z.array(IssueComment)));
      url = nextPage(answer.headers['link']);
    }
    return all;
  }

  async create(issue: IssueRef, body: string): Promise<number> {
    const url = `/repos/${enc(issue.owner)}/${enc(issue.repo)}/issues/${issue.number}/comments`;
    const answer = await this.http.request({ method: 'POST', url, json: { body }, headers: this.headers, what: `comment on #${issue.number}` });
    return answer.json(IssueComment).id;
  }

  async update(issue: IssueRef, id: number, body: string): Promise<void> {
    const url = `/repos/${enc(issue.owner)}/${enc(issue.repo)}/issues/comments/${id}`;
    await this.http.request({ method: 'PATCH', url, json: { body }, headers: this.headers, what: `update comment ${id}` });
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

const enc = encodeURIComponent;

/** 100,000 comments at 100 a page. */
const MAX_PAGES = 1000;
