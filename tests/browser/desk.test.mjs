// Staff pages after login, on a phone: each one passes the accessibility audit.
import { Failure, axeAudit, check, url, useSession } from './lib.mjs';

// The pages a province admin reaches from the desk (the widest set of staff pages).
const ADMIN_PAGES = ['/ha-noi/desk', '/ha-noi/venues', '/ha-noi/venues/1', '/ha-noi/venues/new', '/ha-noi/accounts',
  '/ha-noi/accounts/new', '/ha-noi/api-tokens', '/ha-noi/audit', '/ha-noi/password'];

async function auditPages(t, paths) {
  const problems = [];
  for (const path of paths) {
    const r = await t.page.goto(url(path));
    if (r.status() !== 200) {
      problems.push(`${path}: status ${r.status()}`);
      continue;
    }
    try {
      await axeAudit(t.page);
    } catch (e) {
      if (!(e instanceof Failure)) throw e;
      problems.push(e.message);
    }
  }
  check(problems.length === 0, problems.join(' | '));
}

export async function test_admin_pages_pass_axe(t) {
  await useSession(t, 'hn.admin');
  await auditPages(t, ADMIN_PAGES);
}

export async function test_operator_overview_passes_axe(t) {
  await useSession(t, 'operator', '');
  await auditPages(t, ['/admin']);
}
