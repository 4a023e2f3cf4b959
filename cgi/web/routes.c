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

/* A row: method, pattern, handler and the roles allowed, then by name only the columns that
 * differ from their defaults (struct route says what each means): no scope, the fast pool, no
 * body for a GET and a form's for a POST, not the JSON API, making no credentials, closed to an
 * account that must change its password first, CSRF checked. Whether the province must be a
 * known tenant follows from the pattern (route_has_tenant). */
#define GET(path, fn, who, ...) { .method = HTTP_GET, .pattern = (path), .handler = (fn), .roles = (who), __VA_ARGS__ }
#define POST(path, fn, who, ...) \
	{ .method = HTTP_POST, .pattern = (path), .handler = (fn), .roles = (who), .body_limit = BODY_FORM, __VA_ARGS__ }

/* Signing in and out and the password change: the same pages under prefix for who may sign in
 * there (the instance's operators at "", a province's staff at "/{province}"). Logging in is
 * open to anyone; the password pages stay open to an account that must change it first. */
#define SIGN_IN_ROUTES(prefix, who) \
	GET(prefix "/login", page_login_form, ROLES_ANYONE), \
	POST(prefix "/login", page_login, ROLES_ANYONE, .makes_credentials = true), \
	POST(prefix "/logout", page_logout, who, .before_password_change = true), \
	GET(prefix "/password", page_password_form, who, .before_password_change = true), \
	POST(prefix "/password", page_password_change, who, .makes_credentials = true, .before_password_change = true)

const struct route routes[] = {
	GET("/", page_instance_home, ROLES_ANYONE),
	GET("/healthz", page_healthz, ROLES_ANYONE),
	/* Anyone may ask; only metrics_allow's addresses are answered (others get 404). */
	GET("/metrics", page_metrics, ROLES_ANYONE),
	SIGN_IN_ROUTES("", OPERATOR),
	GET("/admin", page_admin, OPERATOR),
	GET("/admin/provinces", page_admin_provinces, OPERATOR),

	GET("/{province}/", page_province_home, ROLES_ANYONE),
	SIGN_IN_ROUTES("/{province}", STAFF),
	POST("/{province}/logout-everywhere", page_logout_everywhere, STAFF),
	GET("/{province}/desk", page_desk, STAFF),

	GET("/{province}/accounts", page_accounts, OPERATOR | ADMIN | OFFICER),
	GET("/{province}/accounts/new", page_account_new, OPERATOR | ADMIN | OFFICER),
	POST("/{province}/accounts", page_account_create, OPERATOR | ADMIN | OFFICER, .makes_credentials = true),
	GET("/{province}/accounts/{id}", page_account, OPERATOR | ADMIN | OFFICER, .scope = SCOPE_ACCOUNT),
	POST("/{province}/accounts/{id}/disable", page_account_disable, OPERATOR | ADMIN, .scope = SCOPE_ACCOUNT),
	POST("/{province}/accounts/{id}/enable", page_account_enable, OPERATOR | ADMIN, .scope = SCOPE_ACCOUNT),
	POST("/{province}/accounts/{id}/reset-password", page_account_reset, OPERATOR | ADMIN | OFFICER,
	     .scope = SCOPE_ACCOUNT, .makes_credentials = true),

	GET("/{province}/register", page_register_form, ROLES_ANYONE),
	POST("/{province}/register", page_register, ROLES_ANYONE),
	GET("/{province}/c", page_short_code, ROLES_ANYONE),
	/* Posters, cards and hand-over codes hold their URL in upper case (QR alphanumeric mode)
	 * and people type lower case: the router matches one-letter segments in either case. */
	GET("/{province}/c/{token}", page_checkin, ROLES_ANYONE),
	POST("/{province}/c/{token}", page_checkin_submit, ROLES_ANYONE),
	/* Personal cards identify and show nothing personal. */
	GET("/{province}/r/{card}", page_card, ROLES_ANYONE),

	GET("/{province}/h/{code}", page_handover, ROLES_ANYONE),
	POST("/{province}/h/{code}", page_handover_take, ROLES_ANYONE),
	GET("/{province}/me", page_me, ROLES_ANYONE),
	POST("/{province}/me/{n}/update", page_me_update, ROLES_ANYONE),
	POST("/{province}/me/{n}/delete", page_me_delete, ROLES_ANYONE),
	POST("/{province}/me/{n}/forget", page_me_forget, ROLES_ANYONE),
	/* The person's own card: {n} is their place in the phone's cookie, which is the permission. */
	GET("/{province}/me/{n}/qr.png", page_my_qr, ROLES_ANYONE),
	GET("/{province}/me/{n}/card.pdf", page_my_card, ROLES_ANYONE),
	POST("/{province}/me/{n}/card/reissue", page_my_card_reissue, ROLES_ANYONE),

	GET("/{province}/venues", page_venues, ADMIN | OFFICER | MANAGER),
	GET("/{province}/venues/new", page_venue_new, ADMIN | OFFICER),
	POST("/{province}/venues", page_venue_create, ADMIN | OFFICER),
	GET("/{province}/venues/{id}", page_venue, ADMIN | OFFICER | MANAGER, .scope = SCOPE_VENUE),
	POST("/{province}/venues/{id}", page_venue_update, ADMIN | OFFICER | MANAGER, .scope = SCOPE_VENUE),
	POST("/{province}/venues/{id}/deactivate", page_venue_deactivate, ADMIN | OFFICER | MANAGER, .scope = SCOPE_VENUE),
	POST("/{province}/venues/{id}/activate", page_venue_activate, ADMIN | OFFICER | MANAGER, .scope = SCOPE_VENUE),
	POST("/{province}/venues/{id}/verify", page_venue_verify, ADMIN | OFFICER, .scope = SCOPE_VENUE),
	POST("/{province}/venues/{id}/reissue", page_venue_reissue, ADMIN | OFFICER | MANAGER, .scope = SCOPE_VENUE),
	GET("/{province}/venues/{id}/poster", page_venue_poster, ADMIN | OFFICER | MANAGER, .scope = SCOPE_VENUE),
	GET("/{province}/posters", page_posters_bulk, ADMIN | OFFICER, .pool = POOL_SLOW),
	GET("/{province}/venues/{id}/staff", page_venue_staff, ADMIN | OFFICER | MANAGER, .scope = SCOPE_VENUE),
	POST("/{province}/venues/{id}/staff", page_venue_staff_change, ADMIN | OFFICER | MANAGER, .scope = SCOPE_VENUE),
	/* A venue's proxy desk: its staff declare for residents without a smartphone. The card
	 * sheet is a multi-page PDF: the slow pool. */
	GET("/{province}/venues/{id}/proxy", page_proxy, DESK, .scope = SCOPE_VENUE_DESK),
	POST("/{province}/venues/{id}/proxy", page_proxy_submit, DESK, .scope = SCOPE_VENUE_DESK),
	POST("/{province}/venues/{id}/proxy/find", page_proxy_find, DESK, .scope = SCOPE_VENUE_DESK),
	POST("/{province}/venues/{id}/proxy/cards", page_proxy_cards, DESK, .scope = SCOPE_VENUE_DESK, .pool = POOL_SLOW),
	POST("/{province}/venues/{id}/proxy/handover", page_proxy_handover, DESK, .scope = SCOPE_VENUE_DESK),

	/* Gate mode: the venue's managers and volunteers, and who oversees it. */
	GET("/{province}/venues/{id}/gate", page_gate, DESK, .scope = SCOPE_VENUE_DESK),
	POST("/{province}/venues/{id}/gate/scans", page_gate_scan, DESK, .scope = SCOPE_VENUE_DESK,
	     .session_cached = true),

	GET("/{province}/imports", page_imports, ADMIN | OFFICER | VOLUNTEER),
	GET("/{province}/imports/template.csv", page_imports_template, ADMIN | OFFICER | VOLUNTEER),
	{ .method = HTTP_POST, .pattern = "/{province}/imports", .handler = page_imports_upload,
	  .roles = ADMIN | OFFICER | VOLUNTEER, .pool = POOL_SLOW, .body_limit = BODY_UPLOAD },

	GET("/{province}/api-tokens", page_tokens, ADMIN),
	POST("/{province}/api-tokens", page_token_create, ADMIN, .makes_credentials = true),
	POST("/{province}/api-tokens/{id}/revoke", page_token_revoke, ADMIN, .scope = SCOPE_API_TOKEN,
	     .makes_credentials = true),
	/* The area (?area=) is checked by the page: an officer sees only their own. */
	GET("/{province}/dashboard", page_dashboard, ADMIN | OFFICER),
	GET("/{province}/dashboard/export.csv", page_dashboard_export, ADMIN | OFFICER, .pool = POOL_SLOW),
	GET("/{province}/dashboard/report.pdf", page_dashboard_report, ADMIN | OFFICER, .pool = POOL_SLOW),
	/* Likewise the area; the day (?day=) defaults to today. */
	GET("/{province}/reports", page_report_form, ADMIN | OFFICER),
	GET("/{province}/signals", page_signals, ADMIN | OFFICER),
	GET("/{province}/signals/export.csv", page_signals_export, ADMIN | OFFICER, .pool = POOL_SLOW),
	GET("/{province}/audit", page_audit, ADMIN),
	GET("/{province}/deletions", page_deletions, ADMIN),

	/* Tracing queries are POSTed: phone numbers and reasons stay out of URLs and logs. */
	GET("/{province}/tracing", page_tracing_form, TRACER | ADMIN),
	POST("/{province}/tracing", page_tracing, TRACER | ADMIN),
	POST("/{province}/tracing/export.csv", page_tracing_export, TRACER | ADMIN, .pool = POOL_SLOW),
	GET("/{province}/tracing/venue", page_tracing_venue_form, TRACER | ADMIN),
	POST("/{province}/tracing/venue", page_tracing_venue, TRACER | ADMIN),
	POST("/{province}/tracing/venue/export.csv", page_tracing_venue_export, TRACER | ADMIN, .pool = POOL_SLOW),

	GET("/{province}/api/v1/me", api_me, STAFF, .api = true),
	GET("/{province}/api/v1/venues", api_venues, ADMIN | OFFICER | MANAGER, .api = true),
	POST("/{province}/api/v1/venues", api_venue_create, ADMIN | OFFICER, .api = true),
	GET("/{province}/api/v1/venues/{id}", api_venue, ADMIN | OFFICER | MANAGER, .scope = SCOPE_VENUE, .api = true),
	POST("/{province}/api/v1/venues/{id}", api_venue_update, ADMIN | OFFICER | MANAGER, .scope = SCOPE_VENUE, .api = true),
	POST("/{province}/api/v1/venues/{id}/status", api_venue_status, ADMIN | OFFICER | MANAGER, .scope = SCOPE_VENUE,
	     .api = true),
	POST("/{province}/api/v1/checkins", api_checkin_create, ADMIN | OFFICER | MANAGER | VOLUNTEER, .api = true),
	GET("/{province}/api/v1/areas", api_areas, ROLES_ANYONE, .api = true),
#ifdef VAORA_TEST_BUILD
	GET("/_test/sleep", page_test_sleep, ROLES_ANYONE, .pool = POOL_SLOW),
	POST("/_test/echo", page_test_echo, ROLES_ANYONE, .csrf_exempt = true),
#endif
};

const size_t route_count = sizeof(routes) / sizeof(routes[0]);
