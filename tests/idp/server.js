// An OpenID Connect provider for trying and testing the dashboard's login.
// FOR TRYING AND TESTING ONLY: its development login form accepts any password.
//
//   node server.js                      # http://127.0.0.1:8711, app callback on localhost:8712
//   IDP_PORT=8711 APP_PORTS=8712,8713 node server.js
//
// Accounts: the people of data/access.example.toml (below), plus a member of the
// group "dinsos-jatim" and two more. Any other login is accepted too, with
// email_verified = false: e-mail grants refuse an address marked unverified and
// domain grants need a verified one, so it gets the public view (or no access).
import Provider from 'oidc-provider';

const port = Number(process.env.IDP_PORT || 8711);
const host = process.env.IDP_HOST || '127.0.0.1';
const issuer = process.env.IDP_ISSUER || `http://${host}:${port}`;
const appPorts = (process.env.APP_PORTS || '8712').split(',').map((p) => p.trim()).filter(Boolean);
const clientId = process.env.IDP_CLIENT_ID || 'bansos-dashboard';
const clientSecret = process.env.IDP_CLIENT_SECRET || 'bansos-test-secret-not-for-production';

const ACCOUNTS = {
  'pimpinan.lampung@example.go.id': { name: 'Pimpinan Lampung', groups: [] },
  'evaluator@example.go.id': { name: 'Evaluator Kemendagri', groups: [] },
  'analis.jatim@example.go.id': { name: 'Analis Jawa Timur', groups: [] },
  'operator.metro@example.go.id': { name: 'Operator Kota Metro', groups: [] },
  'staf.jatim@example.go.id': { name: 'Staf Dinsos Jatim', groups: ['dinsos-jatim'] },
  'staf@example.go.id': { name: 'Staf', groups: [] },
  'tamu@contoh.org': { name: 'Tamu', groups: [] },
};

function account(id) {
  const login = String(id).trim().toLowerCase();
  const known = ACCOUNTS[login];
  return {
    accountId: login,
    async claims() {
      return {
        sub: login,
        email: login,
        // Addresses this provider does not know are not verified.
        email_verified: Boolean(known),
        name: known ? known.name : login,
        groups: known ? known.groups : [],
      };
    },
  };
}

const redirects = appPorts.flatMap((p) => [
  `http://localhost:${p}/oauth2callback`,
  `http://127.0.0.1:${p}/oauth2callback`,
]);

const configuration = {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirects,
    post_logout_redirect_uris: appPorts.flatMap((p) => [`http://localhost:${p}/`, `http://127.0.0.1:${p}/`]),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups'],
  // Put the claims in the ID token itself: st.user reads the ID token only.
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    return account(id);
  },
  // The dashboard is a first-party client: no consent screen after the login.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile groups');
    await grant.save();
    return grant;
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  cookies: { keys: [process.env.IDP_COOKIE_KEY || 'test-only-cookie-key'] },
  ttl: { Session: 3600, Grant: 3600, Interaction: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
};

const provider = new Provider(issuer, configuration);
provider.proxy = false;
const server = provider.listen(port, host, () => {
  console.log(`oidc-provider (TEST ONLY, any password) at ${issuer}; clients: ${clientId} -> ${redirects.join(' ')}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
