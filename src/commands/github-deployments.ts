/**
 * Marks the GitHub deployments of removed services inactive (a status `inactive` on each deployment of their
 * environment), as a teardown does on GitHub Actions; elsewhere it says it skipped. The token comes from
 * GITHUB_TOKEN or GH_TOKEN and is masked before any request.
 */
type Env = Readonly<Record<string, string | undefined>>;

export interface DeploymentsOutcome {
  /** Deployments marked inactive, per environment; undefined when not on GitHub Actions. */
  readonly inactive: Readonly<Record<string, number>> | undefined;
  readonly skipped: string | undefined;
}

export async function markDeploymentsInactive(
  env: Env,
  environments: readonly string[],
  hooks: { log: (line: string) => void; mask: (secret: string) => void },
): Promise<DeploymentsOutcome> {
  const token = env.GITHUB_TOKEN ?? env.GH_TOKEN;
  const repository = env.GITHUB_REPOSITORY;
  if (env.GITHUB_ACTIONS !== 'true' || !token || !repository) {
    const skipped = 'not on GitHub Actions with GITHUB_TOKEN and GITHUB_REPOSITORY: no GitHub deployments were marked inactive';
    hooks.log(skipped);
    return { inactive: undefined, skipped };
  }
  hooks.mask(token);
  const api = (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
  const inactive: Record<string, number> = {};
  for (const environment of environments) {
    const list = await fetch(`${api}/repos/${repository}/deployments?environment=${encodeURIComponent(environment)}&per_page=100`, { headers });
    if (!list.ok) throw new Error(`list the GitHub deployments of ${environment}: HTTP ${list.status} (the job needs deployments: write)`);
    const deployments = (await list.json()) as { id: number }[];
    for (const deployment of deployments) {
      const answer = await fetch(`${api}/repos/${repository}/deployments/${deployment.id}/statuses`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ state: 'inactive', description: 'removed by meshagent-ship teardown' }),
      });
      if (!answer.ok) throw new Error(`mark GitHub deployment ${deployment.id} inactive: HTTP ${answer.status} (the job needs deployments: write)`);
    }
    inactive[environment] = deployments.length;
    hooks.log(`GitHub deployments of ${environment}: ${deployments.length} marked inactive`);
  }
  return { inactive, skipped: undefined };
}
