// A real OpenID Connect provider for the sign-in tests: the npm package oidc-provider, on loopback.
// Usage: node provider.mjs PORT CLIENT_REDIRECT_URI POST_LOGOUT_URI USERS_JSON
// The people and their groups are read from USERS_JSON at every sign-in, so a test moves a person
// out of a group by rewriting the file. Its own login page (devInteractions) takes any password.
import fs from 'node:fs';
import Provider from 'oidc-provider';

const [port, redirectUri, postLogoutUri, usersFile] = process.argv.slice(2);

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: 'hoering',
    client_secret: 'hoering-test-secret',
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: [postLogoutUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'groups'],
  },
  conformIdTokenClaims: false, // the granted claims (groups) go into the ID token
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: ['hoering-test-cookie-key'] },
  async findAccount(ctx, id) {
    const people = JSON.parse(fs.readFileSync(usersFile, 'utf8'));
    const person = people[id];
    if (!person) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: person.email, email_verified: true, name: person.name,
                 groups: person.groups };
      },
    };
  },
});
provider.listen(Number(port), '127.0.0.1', () => console.log(`listening ${port}`));
