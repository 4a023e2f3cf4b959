/* The handlers the route table points at, one file per area of pages. */
#ifndef VAORA_PAGES_H
#define VAORA_PAGES_H

#include "web/app.h"
#include "web/request.h"
#include "web/response.h"

/* page-home.c */
int page_instance_home(struct app *app, const struct request *req, struct response *resp);
int page_province_home(struct app *app, const struct request *req, struct response *resp);
/* page-health.c */
int page_healthz(struct app *app, const struct request *req, struct response *resp);

/* page-metrics.c */
int page_metrics(struct app *app, const struct request *req, struct response *resp);
/* page-login.c: login, logout, own password */
int page_login_form(struct app *app, const struct request *req, struct response *resp);
int page_login(struct app *app, const struct request *req, struct response *resp);
int page_logout(struct app *app, const struct request *req, struct response *resp);
int page_logout_everywhere(struct app *app, const struct request *req, struct response *resp);
int page_password_form(struct app *app, const struct request *req, struct response *resp);
int page_password_change(struct app *app, const struct request *req, struct response *resp);
/* page-desk.c: the staff home of each role, and the operator's overview */
int page_desk(struct app *app, const struct request *req, struct response *resp);
int page_admin(struct app *app, const struct request *req, struct response *resp);
/* page-dashboard.c: the dashboards with charts and their CSV, and the operator's figures per province */
int page_admin_provinces(struct app *app, const struct request *req, struct response *resp);
int page_dashboard(struct app *app, const struct request *req, struct response *resp);
int page_dashboard_export(struct app *app, const struct request *req, struct response *resp);
int page_dashboard_report(struct app *app, const struct request *req, struct response *resp);

/* page-report.c: the daily report's form (its PDF is page_dashboard_report's) */
int page_report_form(struct app *app, const struct request *req, struct response *resp);

/* page-signals.c: the abuse signals of a day, on screen and as CSV */
int page_signals(struct app *app, const struct request *req, struct response *resp);
int page_signals_export(struct app *app, const struct request *req, struct response *resp);
/* page-accounts.c */
int page_accounts(struct app *app, const struct request *req, struct response *resp);
int page_account_new(struct app *app, const struct request *req, struct response *resp);
int page_account_create(struct app *app, const struct request *req, struct response *resp);
int page_account(struct app *app, const struct request *req, struct response *resp);
int page_account_disable(struct app *app, const struct request *req, struct response *resp);
int page_account_enable(struct app *app, const struct request *req, struct response *resp);
int page_account_reset(struct app *app, const struct request *req, struct response *resp);
/* page-venues.c */
int page_venues(struct app *app, const struct request *req, struct response *resp);
int page_venue_new(struct app *app, const struct request *req, struct response *resp);
int page_venue_create(struct app *app, const struct request *req, struct response *resp);
int page_venue(struct app *app, const struct request *req, struct response *resp);
int page_venue_update(struct app *app, const struct request *req, struct response *resp);
int page_venue_deactivate(struct app *app, const struct request *req, struct response *resp);
int page_venue_activate(struct app *app, const struct request *req, struct response *resp);
int page_venue_verify(struct app *app, const struct request *req, struct response *resp);
int page_venue_reissue(struct app *app, const struct request *req, struct response *resp);
/* page-posters.c: one venue's poster, and bulk PDFs */
int page_venue_poster(struct app *app, const struct request *req, struct response *resp);
int page_posters_bulk(struct app *app, const struct request *req, struct response *resp);
/* page-imports.c: the paper import of check-ins */
int page_imports(struct app *app, const struct request *req, struct response *resp);
int page_imports_template(struct app *app, const struct request *req, struct response *resp);
int page_imports_upload(struct app *app, const struct request *req, struct response *resp);
/* page-register.c */
int page_register_form(struct app *app, const struct request *req, struct response *resp);
int page_register(struct app *app, const struct request *req, struct response *resp);
/* page-checkin.c */
int page_checkin(struct app *app, const struct request *req, struct response *resp);
int page_checkin_submit(struct app *app, const struct request *req, struct response *resp);
int page_short_code(struct app *app, const struct request *req, struct response *resp);
/* page-gate.c: gate mode at a venue, scanning personal QR cards and chip ID cards */
int page_gate(struct app *app, const struct request *req, struct response *resp);
int page_gate_scan(struct app *app, const struct request *req, struct response *resp);
/* page-me.c: a resident's own data, on the phone that remembers them */
int page_me(struct app *app, const struct request *req, struct response *resp);
int page_me_update(struct app *app, const struct request *req, struct response *resp);
int page_me_delete(struct app *app, const struct request *req, struct response *resp);
int page_me_forget(struct app *app, const struct request *req, struct response *resp);
/* page-cards.c: the personal QR, scanned and the person's own */
int page_card(struct app *app, const struct request *req, struct response *resp);
int page_my_qr(struct app *app, const struct request *req, struct response *resp);
int page_my_card(struct app *app, const struct request *req, struct response *resp);
int page_my_card_reissue(struct app *app, const struct request *req, struct response *resp);
/* page-proxy.c: proxy declarations at a venue's desk and the cards of those declared for */
int page_proxy(struct app *app, const struct request *req, struct response *resp);
int page_proxy_find(struct app *app, const struct request *req, struct response *resp);
int page_proxy_submit(struct app *app, const struct request *req, struct response *resp);
int page_proxy_cards(struct app *app, const struct request *req, struct response *resp);
int page_proxy_handover(struct app *app, const struct request *req, struct response *resp);
/* page-handover.c: a resident's phone takes the hand-over code a volunteer showed */
int page_handover(struct app *app, const struct request *req, struct response *resp);
int page_handover_take(struct app *app, const struct request *req, struct response *resp);
/* page-staff.c: volunteers of a venue */
int page_venue_staff(struct app *app, const struct request *req, struct response *resp);
int page_venue_staff_change(struct app *app, const struct request *req, struct response *resp);
/* page-tokens.c */
int page_tokens(struct app *app, const struct request *req, struct response *resp);
int page_token_create(struct app *app, const struct request *req, struct response *resp);
int page_token_revoke(struct app *app, const struct request *req, struct response *resp);
/* page-audit.c */
int page_audit(struct app *app, const struct request *req, struct response *resp);
/* page-tracing.c: contact tracing, on screen and as CSV */
int page_tracing_form(struct app *app, const struct request *req, struct response *resp);
int page_tracing(struct app *app, const struct request *req, struct response *resp);
int page_tracing_export(struct app *app, const struct request *req, struct response *resp);
int page_tracing_venue_form(struct app *app, const struct request *req, struct response *resp);
int page_tracing_venue(struct app *app, const struct request *req, struct response *resp);
int page_tracing_venue_export(struct app *app, const struct request *req, struct response *resp);
/* page-deletions.c */
int page_deletions(struct app *app, const struct request *req, struct response *resp);
/* api-v1.c: the JSON API */
int api_me(struct app *app, const struct request *req, struct response *resp);
int api_areas(struct app *app, const struct request *req, struct response *resp);
int api_venues(struct app *app, const struct request *req, struct response *resp);
int api_venue(struct app *app, const struct request *req, struct response *resp);
int api_venue_create(struct app *app, const struct request *req, struct response *resp);
int api_venue_update(struct app *app, const struct request *req, struct response *resp);
int api_venue_status(struct app *app, const struct request *req, struct response *resp);
/* api-checkins.c */
int api_checkin_create(struct app *app, const struct request *req, struct response *resp);

#ifdef VAORA_TEST_BUILD
/* page-test.c: routes only the test build has, to drive the pipeline and the pools. */
int page_test_sleep(struct app *app, const struct request *req, struct response *resp);
int page_test_echo(struct app *app, const struct request *req, struct response *resp);
#endif

#endif
