/* The route table: the only router. Requirements in a row are checked before its handler. */
#include "web/routes.h"

#include "domain/roles.h"
#include "web/pages.h"

/* GET pages carry no body. */
#define BODY_NONE 0
/* Ordinary forms: a declaration is the largest, a few KB. */
#define BODY_FORM (16 * 1024)
/* A CSV of paper declarations: ~150 bytes a row, so some 25,000 rows; a larger backlog goes
 * through `vaora checkins import`. Below nginx's client_max_body_size, so the 413 is ours. */
#define BODY_UPLOAD (4 * 1024 * 1024)

#define OPERATOR ROLE_BIT(ROLE_OPERATOR)
#define ADMIN ROLE_BIT(ROLE_PROVINCE_ADMIN)
#define OFFICER ROLE_BIT(ROLE_AREA_OFFICER)
#define TRACER ROLE_BIT(ROLE_TRACER)
#define MANAGER ROLE_BIT(ROLE_VENUE_MANAGER)
#define VOLUNTEER ROLE_BIT(ROLE_VOLUNTEER)
/* Who works a venue's desk (gate, proxy): its staff and those overseeing it. */
#define DESK (ADMIN | OFFICER | MANAGER | VOLUNTEER)
/* Every role an account of a province can hold. */
#define STAFF (ADMIN | OFFICER | TRACER | MANAGER | VOLUNTEER)

const struct route routes[] = {
	/* method, pattern, handler, roles, tenant, scope, pool, body limit, CSRF exempt */
	{ HTTP_GET, "/", page_instance_home, ROLES_ANYONE, false, SCOPE_NONE, POOL_FAST, BODY_NONE, false },
	{ HTTP_GET, "/healthz", page_healthz, ROLES_ANYONE, false, SCOPE_NONE, POOL_FAST, BODY_NONE, false },
	{ HTTP_GET, "/login", page_login_form, ROLES_ANYONE, false, SCOPE_NONE, POOL_FAST, BODY_NONE, false },
	{ HTTP_POST, "/login", page_login, ROLES_ANYONE, false, SCOPE_NONE, POOL_FAST, BODY_FORM, false },
	{ HTTP_POST, "/logout", page_logout, OPERATOR, false, SCOPE_NONE, POOL_FAST, BODY_FORM, false },
	{ HTTP_GET, "/password", page_password_form, OPERATOR, false, SCOPE_NONE, POOL_FAST, BODY_NONE, false },
	{ HTTP_POST, "/password", page_password_change, OPERATOR, false, SCOPE_NONE, POOL_FAST, BODY_FORM, false },
	{ HTTP_GET, "/admin", page_admin, OPERATOR, false, SCOPE_NONE, POOL_FAST, BODY_NONE, false },
	{ HTTP_GET, "/admin/provinces", page_admin_provinces, OPERATOR, false, SCOPE_NONE, POOL_FAST, BODY_NONE,
	  false },

	{ HTTP_GET, "/{province}/", page_province_home, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST, BODY_NONE, false },
	{ HTTP_GET, "/{province}/login", page_login_form, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST, BODY_NONE, false },
	{ HTTP_POST, "/{province}/login", page_login, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST, BODY_FORM, false },
	{ HTTP_POST, "/{province}/logout", page_logout, STAFF, true, SCOPE_NONE, POOL_FAST, BODY_FORM, false },
	{ HTTP_POST, "/{province}/logout-everywhere", page_logout_everywhere, STAFF, true, SCOPE_NONE, POOL_FAST,
	  BODY_FORM, false },
	{ HTTP_GET, "/{province}/password", page_password_form, STAFF, true, SCOPE_NONE, POOL_FAST, BODY_NONE, false },
	{ HTTP_POST, "/{province}/password", page_password_change, STAFF, true, SCOPE_NONE, POOL_FAST, BODY_FORM, false },
	{ HTTP_GET, "/{province}/desk", page_desk, STAFF, true, SCOPE_NONE, POOL_FAST, BODY_NONE, false },

	{ HTTP_GET, "/{province}/accounts", page_accounts, OPERATOR | ADMIN | OFFICER, true, SCOPE_NONE, POOL_FAST,
	  BODY_NONE, false },
	{ HTTP_GET, "/{province}/accounts/new", page_account_new, OPERATOR | ADMIN | OFFICER, true, SCOPE_NONE,
	  POOL_FAST, BODY_NONE, false },
	{ HTTP_POST, "/{province}/accounts", page_account_create, OPERATOR | ADMIN | OFFICER, true, SCOPE_NONE,
	  POOL_FAST, BODY_FORM, false },
	{ HTTP_GET, "/{province}/accounts/{id}", page_account, OPERATOR | ADMIN | OFFICER, true, SCOPE_ACCOUNT,
	  POOL_FAST, BODY_NONE, false },
	{ HTTP_POST, "/{province}/accounts/{id}/disable", page_account_disable, OPERATOR | ADMIN, true,
	  SCOPE_ACCOUNT, POOL_FAST, BODY_FORM, false },
	{ HTTP_POST, "/{province}/accounts/{id}/enable", page_account_enable, OPERATOR | ADMIN, true, SCOPE_ACCOUNT,
	  POOL_FAST, BODY_FORM, false },
	{ HTTP_POST, "/{province}/accounts/{id}/reset-password", page_account_reset, OPERATOR | ADMIN | OFFICER,
	  true, SCOPE_ACCOUNT, POOL_FAST, BODY_FORM, false },

	{ HTTP_GET, "/{province}/register", page_register_form, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST, BODY_NONE,
	  false },
	{ HTTP_POST, "/{province}/register", page_register, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST, BODY_FORM,
	  false },
	{ HTTP_GET, "/{province}/c", page_short_code, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST, BODY_NONE, false },
	/* Posters encode the URL in upper case (QR alphanumeric mode); people type lower case. */
	{ HTTP_GET, "/{province}/c/{token}", page_checkin, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST, BODY_NONE,
	  false },
	{ HTTP_GET, "/{province}/C/{token}", page_checkin, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST, BODY_NONE,
	  false },
	{ HTTP_POST, "/{province}/c/{token}", page_checkin_submit, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST,
	  BODY_FORM, false },
	{ HTTP_POST, "/{province}/C/{token}", page_checkin_submit, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST,
	  BODY_FORM, false },
	/* Personal cards likewise: scanned in upper case. They identify and show nothing personal. */
	{ HTTP_GET, "/{province}/r/{card}", page_card, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST, BODY_NONE, false },
	{ HTTP_GET, "/{province}/R/{card}", page_card, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST, BODY_NONE, false },

	/* A hand-over code's QR holds the URL in upper case, like posters and cards. */
	{ HTTP_GET, "/{province}/h/{code}", page_handover, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST, BODY_NONE,
	  false },
	{ HTTP_GET, "/{province}/H/{code}", page_handover, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST, BODY_NONE,
	  false },
	{ HTTP_POST, "/{province}/h/{code}", page_handover_take, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST, BODY_FORM,
	  false },
	{ HTTP_POST, "/{province}/H/{code}", page_handover_take, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST, BODY_FORM,
	  false },
	{ HTTP_GET, "/{province}/me", page_me, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST, BODY_NONE, false },
	{ HTTP_POST, "/{province}/me/{n}/update", page_me_update, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST, BODY_FORM,
	  false },
	{ HTTP_POST, "/{province}/me/{n}/delete", page_me_delete, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST, BODY_FORM,
	  false },
	{ HTTP_POST, "/{province}/me/{n}/forget", page_me_forget, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST, BODY_FORM,
	  false },
	/* The person's own card: {n} is their place in the phone's cookie, which is the permission. */
	{ HTTP_GET, "/{province}/me/{n}/qr.png", page_my_qr, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST, BODY_NONE,
	  false },
	{ HTTP_GET, "/{province}/me/{n}/card.pdf", page_my_card, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST, BODY_NONE,
	  false },
	{ HTTP_POST, "/{province}/me/{n}/card/reissue", page_my_card_reissue, ROLES_ANYONE, true, SCOPE_NONE,
	  POOL_FAST, BODY_FORM, false },

	{ HTTP_GET, "/{province}/venues", page_venues, ADMIN | OFFICER | MANAGER, true, SCOPE_NONE, POOL_FAST,
	  BODY_NONE, false },
	{ HTTP_GET, "/{province}/venues/new", page_venue_new, ADMIN | OFFICER, true, SCOPE_NONE, POOL_FAST,
	  BODY_NONE, false },
	{ HTTP_POST, "/{province}/venues", page_venue_create, ADMIN | OFFICER, true, SCOPE_NONE, POOL_FAST,
	  BODY_FORM, false },
	{ HTTP_GET, "/{province}/venues/{id}", page_venue, ADMIN | OFFICER | MANAGER, true, SCOPE_VENUE, POOL_FAST,
	  BODY_NONE, false },
	{ HTTP_POST, "/{province}/venues/{id}", page_venue_update, ADMIN | OFFICER | MANAGER, true, SCOPE_VENUE,
	  POOL_FAST, BODY_FORM, false },
	{ HTTP_POST, "/{province}/venues/{id}/deactivate", page_venue_deactivate, ADMIN | OFFICER | MANAGER, true,
	  SCOPE_VENUE, POOL_FAST, BODY_FORM, false },
	{ HTTP_POST, "/{province}/venues/{id}/activate", page_venue_activate, ADMIN | OFFICER | MANAGER, true,
	  SCOPE_VENUE, POOL_FAST, BODY_FORM, false },
	{ HTTP_POST, "/{province}/venues/{id}/verify", page_venue_verify, ADMIN | OFFICER, true, SCOPE_VENUE,
	  POOL_FAST, BODY_FORM, false },
	{ HTTP_POST, "/{province}/venues/{id}/reissue", page_venue_reissue, ADMIN | OFFICER | MANAGER, true,
	  SCOPE_VENUE, POOL_FAST, BODY_FORM, false },
	{ HTTP_GET, "/{province}/venues/{id}/poster", page_venue_poster, ADMIN | OFFICER | MANAGER, true, SCOPE_VENUE,
	  POOL_FAST, BODY_NONE, false },
	{ HTTP_GET, "/{province}/posters", page_posters_bulk, ADMIN | OFFICER, true, SCOPE_NONE, POOL_SLOW, BODY_NONE,
	  false },
	{ HTTP_GET, "/{province}/venues/{id}/staff", page_venue_staff, ADMIN | OFFICER | MANAGER, true, SCOPE_VENUE,
	  POOL_FAST, BODY_NONE, false },
	{ HTTP_POST, "/{province}/venues/{id}/staff", page_venue_staff_change, ADMIN | OFFICER | MANAGER, true,
	  SCOPE_VENUE, POOL_FAST, BODY_FORM, false },
	/* A venue's proxy desk: its staff declare for residents without a smartphone. The card
	 * sheet is a multi-page PDF: the slow pool. */
	{ HTTP_GET, "/{province}/venues/{id}/proxy", page_proxy, DESK, true, SCOPE_VENUE_DESK, POOL_FAST, BODY_NONE,
	  false },
	{ HTTP_POST, "/{province}/venues/{id}/proxy", page_proxy_submit, DESK, true, SCOPE_VENUE_DESK, POOL_FAST,
	  BODY_FORM, false },
	{ HTTP_POST, "/{province}/venues/{id}/proxy/find", page_proxy_find, DESK, true, SCOPE_VENUE_DESK, POOL_FAST,
	  BODY_FORM, false },
	{ HTTP_POST, "/{province}/venues/{id}/proxy/cards", page_proxy_cards, DESK, true, SCOPE_VENUE_DESK, POOL_SLOW,
	  BODY_FORM, false },
	{ HTTP_POST, "/{province}/venues/{id}/proxy/handover", page_proxy_handover, DESK, true, SCOPE_VENUE_DESK,
	  POOL_FAST, BODY_FORM, false },

	/* Gate mode: the venue's managers and volunteers, and who oversees it. */
	{ HTTP_GET, "/{province}/venues/{id}/gate", page_gate, ADMIN | OFFICER | MANAGER | VOLUNTEER, true,
	  SCOPE_VENUE_DESK, POOL_FAST, BODY_NONE, false },
	{ HTTP_POST, "/{province}/venues/{id}/gate/scans", page_gate_scan, ADMIN | OFFICER | MANAGER | VOLUNTEER, true,
	  SCOPE_VENUE_DESK, POOL_FAST, BODY_FORM, false },

	{ HTTP_GET, "/{province}/imports", page_imports, ADMIN | OFFICER | VOLUNTEER, true, SCOPE_NONE, POOL_FAST,
	  BODY_NONE, false },
	{ HTTP_GET, "/{province}/imports/template.csv", page_imports_template, ADMIN | OFFICER | VOLUNTEER, true,
	  SCOPE_NONE, POOL_FAST, BODY_NONE, false },
	{ HTTP_POST, "/{province}/imports", page_imports_upload, ADMIN | OFFICER | VOLUNTEER, true, SCOPE_NONE,
	  POOL_SLOW, BODY_UPLOAD, false },

	{ HTTP_GET, "/{province}/api-tokens", page_tokens, ADMIN, true, SCOPE_NONE, POOL_FAST, BODY_NONE, false },
	{ HTTP_POST, "/{province}/api-tokens", page_token_create, ADMIN, true, SCOPE_NONE, POOL_FAST, BODY_FORM, false },
	{ HTTP_POST, "/{province}/api-tokens/{id}/revoke", page_token_revoke, ADMIN, true, SCOPE_API_TOKEN,
	  POOL_FAST, BODY_FORM, false },
	/* The area (?area=) is checked by the page: an officer sees only their own. */
	{ HTTP_GET, "/{province}/dashboard", page_dashboard, ADMIN | OFFICER, true, SCOPE_NONE, POOL_FAST, BODY_NONE,
	  false },
	{ HTTP_GET, "/{province}/dashboard/export.csv", page_dashboard_export, ADMIN | OFFICER, true, SCOPE_NONE,
	  POOL_SLOW, BODY_NONE, false },
	/* Likewise the area; the day (?day=) defaults to today. */
	{ HTTP_GET, "/{province}/signals", page_signals, ADMIN | OFFICER, true, SCOPE_NONE, POOL_FAST, BODY_NONE,
	  false },
	{ HTTP_GET, "/{province}/signals/export.csv", page_signals_export, ADMIN | OFFICER, true, SCOPE_NONE,
	  POOL_SLOW, BODY_NONE, false },
	{ HTTP_GET, "/{province}/audit", page_audit, ADMIN, true, SCOPE_NONE, POOL_FAST, BODY_NONE, false },
	{ HTTP_GET, "/{province}/deletions", page_deletions, ADMIN, true, SCOPE_NONE, POOL_FAST, BODY_NONE, false },

	/* Tracing queries are POSTed: phone numbers and reasons stay out of URLs and logs. */
	{ HTTP_GET, "/{province}/tracing", page_tracing_form, TRACER | ADMIN, true, SCOPE_NONE, POOL_FAST, BODY_NONE,
	  false },
	{ HTTP_POST, "/{province}/tracing", page_tracing, TRACER | ADMIN, true, SCOPE_NONE, POOL_FAST, BODY_FORM,
	  false },
	{ HTTP_POST, "/{province}/tracing/export.csv", page_tracing_export, TRACER | ADMIN, true, SCOPE_NONE,
	  POOL_SLOW, BODY_FORM, false },
	{ HTTP_GET, "/{province}/tracing/venue", page_tracing_venue_form, TRACER | ADMIN, true, SCOPE_NONE, POOL_FAST,
	  BODY_NONE, false },
	{ HTTP_POST, "/{province}/tracing/venue", page_tracing_venue, TRACER | ADMIN, true, SCOPE_NONE, POOL_FAST,
	  BODY_FORM, false },
	{ HTTP_POST, "/{province}/tracing/venue/export.csv", page_tracing_venue_export, TRACER | ADMIN, true,
	  SCOPE_NONE, POOL_SLOW, BODY_FORM, false },

	{ HTTP_GET, "/{province}/api/v1/me", api_me, STAFF, true, SCOPE_NONE, POOL_FAST, BODY_NONE, false },
	{ HTTP_GET, "/{province}/api/v1/venues", api_venues, ADMIN | OFFICER | MANAGER, true, SCOPE_NONE, POOL_FAST,
	  BODY_NONE, false },
	{ HTTP_POST, "/{province}/api/v1/venues", api_venue_create, ADMIN | OFFICER, true, SCOPE_NONE, POOL_FAST,
	  BODY_FORM, false },
	{ HTTP_GET, "/{province}/api/v1/venues/{id}", api_venue, ADMIN | OFFICER | MANAGER, true, SCOPE_VENUE,
	  POOL_FAST, BODY_NONE, false },
	{ HTTP_POST, "/{province}/api/v1/venues/{id}", api_venue_update, ADMIN | OFFICER | MANAGER, true, SCOPE_VENUE,
	  POOL_FAST, BODY_FORM, false },
	{ HTTP_POST, "/{province}/api/v1/venues/{id}/status", api_venue_status, ADMIN | OFFICER | MANAGER, true,
	  SCOPE_VENUE, POOL_FAST, BODY_FORM, false },
	{ HTTP_POST, "/{province}/api/v1/checkins", api_checkin_create, ADMIN | OFFICER | MANAGER | VOLUNTEER, true,
	  SCOPE_NONE, POOL_FAST, BODY_FORM, false },
	{ HTTP_GET, "/{province}/api/v1/areas", api_areas, ROLES_ANYONE, true, SCOPE_NONE, POOL_FAST, BODY_NONE, false },
#ifdef VAORA_TEST_BUILD
	{ HTTP_GET, "/_test/sleep", page_test_sleep, ROLES_ANYONE, false, SCOPE_NONE, POOL_SLOW, BODY_NONE, false },
	{ HTTP_POST, "/_test/echo", page_test_echo, ROLES_ANYONE, false, SCOPE_NONE, POOL_FAST, BODY_FORM, true },
#endif
};

const size_t route_count = sizeof(routes) / sizeof(routes[0]);

bool route_makes_credentials(const struct route *route)
{
	return route->handler == page_login || route->handler == page_account_create ||
	       route->handler == page_account_reset || route->handler == page_password_change ||
	       route->handler == page_token_create || route->handler == page_token_revoke;
}

bool route_allows_password_change(const struct route *route)
{
	return route->handler == page_password_form || route->handler == page_password_change ||
	       route->handler == page_logout;
}
