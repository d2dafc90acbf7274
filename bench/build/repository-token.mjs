// Prints "<project key> <token>": the repository NAME of the sandbox project (created when missing) and a push
// token for it, minted through the MeshAgent API as the CLI mints them. Reads MESHAGENT_API_URL, _API_KEY,
// _PROJECT_ID (what `meshagent-ship sandbox` prints).
//   node bench/build/repository-token.mjs NAME
const [name] = process.argv.slice(2);
const { MESHAGENT_API_URL: api, MESHAGENT_API_KEY: key, MESHAGENT_PROJECT_ID: project } = process.env;
const call = async (method, path, body) => {
  const answer = await globalThis.fetch(`${api}/accounts/projects/${project}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!answer.ok && answer.status !== 404) throw new Error(`${method} ${path}: ${answer.status} ${await answer.text()}`);
  return answer.status === 404 ? undefined : answer.json();
};
const info = await call('GET', '');
// Repositories are named without the project key, which prefixes them in the registry.
const repository = (await call('GET', `/repositories/by-name/${name}`)) ?? (await call('POST', '/repositories', { name, description: '', annotations: {} }));
const token = await call('POST', `/repositories/${repository.id}/token`, { actions: ['pull', 'push'], expires_in_seconds: 900 });
console.log(`${info.project_key} ${token.token}`);
